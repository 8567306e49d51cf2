package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.registry.CredentialSource;
import dev.apkofarm.core.registry.PublishOptions;
import dev.apkofarm.core.registry.PushEvent;
import dev.apkofarm.core.registry.RegistryClient;
import dev.apkofarm.core.registry.RegistryOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * Options of every command that pushes to a registry ({@code publish}; {@code submit --push} later): trust, plain
 * HTTP and media types. Credentials come from the docker config ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}: {@code auths}, {@code credsStore}, {@code credHelpers}), never from the command line.
 */
public final class RegistrySettings {
  @Option(
      names = "--ca-cert",
      paramLabel = "PEM",
      description = "Trust the CA certificates in this PEM file too, besides the system trust store (repeatable).")
  List<Path> caCertificates = new ArrayList<>();

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST[:PORT]",
      description = "Reach this registry over plain HTTP when it does not speak TLS (repeatable); loopback hosts"
          + " (127.x.x.x, ::1, localhost) always may.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--docker-media-types",
      description = "Push Docker schema 2 media types (manifest list, v2 manifests) instead of OCI, for registries"
          + " that need them.")
  boolean dockerMediaTypes;

  /** How the registry clients connect, with {@code listener} receiving every push event. */
  public RegistryOptions registryOptions(Path workDir, Consumer<PushEvent> listener) throws BadInputException {
    RegistryOptions.Builder b =
        RegistryOptions.builder().credentials(CredentialSource.dockerConfig()).listener(listener);
    for (Path ca : caCertificates) {
      Path file = workDir.resolve(ca).normalize();
      if (!Files.isRegularFile(file)) {
        throw new BadInputException("--ca-cert " + ca + ": no such file");
      }
      b.caCertificate(file);
    }
    insecureRegistries.forEach(b::insecureRegistry);
    return b.build();
  }

  public PublishOptions publishOptions() {
    return new PublishOptions(dockerMediaTypes, List.of());
  }

  /** One client per registry host, made on first use and shared by every push to that host. */
  static final class Clients {
    private final RegistryOptions options;
    private final Map<String, RegistryClient> byRegistry = new LinkedHashMap<>();

    Clients(RegistryOptions options) {
      this.options = options;
    }

    RegistryClient forRegistry(String registry) throws BadInputException {
      RegistryClient c = byRegistry.get(registry);
      if (c == null) {
        c = RegistryClient.create(registry, options);
        byRegistry.put(registry, c);
      }
      return c;
    }
  }
}
