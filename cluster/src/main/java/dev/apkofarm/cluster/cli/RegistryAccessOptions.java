package dev.apkofarm.cluster.cli;

import dev.apkofarm.core.registry.CredentialSource;
import dev.apkofarm.core.registry.RegistryOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a farm daemon reaches registries for {@code submit --push} (coordinator: unchanged checks, index, referrers,
 * tags; workers: layers, configs, manifests). Credentials come from the docker config of the daemon's user
 * ({@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}: {@code auths}, {@code credsStore},
 * {@code credHelpers}); clients never send any, and they are never logged.
 */
public final class RegistryAccessOptions {
  @Option(names = "--ca-cert", paramLabel = "PEM",
      description = "Trust the CA certificates in this PEM file for registries too, besides the system trust store"
          + " (repeatable).")
  List<Path> caCertificates = new ArrayList<>();

  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "Reach this registry over plain HTTP (repeatable); loopback hosts always may.")
  List<String> insecureRegistries = new ArrayList<>();

  /** Whether any option was given. */
  public boolean given() {
    return !caCertificates.isEmpty() || !insecureRegistries.isEmpty();
  }

  /**
   * The registry options of this daemon.
   *
   * @throws IllegalArgumentException naming a {@code --ca-cert} file that does not exist
   */
  public RegistryOptions registryOptions() {
    RegistryOptions.Builder b = RegistryOptions.builder().credentials(CredentialSource.dockerConfig());
    for (Path ca : caCertificates) {
      if (!Files.isRegularFile(ca)) {
        throw new IllegalArgumentException("--ca-cert " + ca + ": no such file");
      }
      b.caCertificate(ca.toAbsolutePath());
    }
    insecureRegistries.forEach(b::insecureRegistry);
    return b.build();
  }

  /** One line for a daemon's log: where credentials are looked up (a path, never a secret) and what is trusted. */
  public static String describe(RegistryOptions o) {
    return "registry access for --push: credentials from " + o.credentials().describe()
        + (o.caCertificates().isEmpty() ? "" : ", extra CAs " + o.caCertificates())
        + (o.insecureRegistries().isEmpty() ? "" : ", plain HTTP allowed to " + o.insecureRegistries());
  }
}
