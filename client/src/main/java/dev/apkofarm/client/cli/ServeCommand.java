package dev.apkofarm.client.cli;

import dev.apkofarm.client.embedded.EmbeddedFarm;
import dev.apkofarm.cluster.cli.Daemons;
import dev.apkofarm.cluster.cli.DurationConverter;
import dev.apkofarm.cluster.security.BearerToken;
import dev.apkofarm.cluster.security.TlsFiles;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.front.FrontSettings;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.registry.RegistryOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code apko-client serve}: the farm's registry front on an embedded farm, for one machine. Runs until SIGTERM or
 * Ctrl-C.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the configs of a directory as a read-only OCI registry from an embedded farm: `docker pull"
        + " HOST:PORT/<config>:latest` locks the config as it is now and answers with its image, built first (every"
        + " arch) unless built before; <config>/<package>/... appends packages; :sha256-<lock hex> pins an image"
        + " served before. Runs until stopped (Ctrl-C).")
final class ServeCommand extends ClientCommand {
  @Option(names = "--configs", paramLabel = "DIR", required = true,
      description = "The configs served: one image per *.yaml/*.yml, named after the file.")
  Path configs;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:5000",
      description = "Where the registry listens; PORT 0 = any free port (default: ${DEFAULT-VALUE}). Off loopback"
          + " it needs --tls-cert and --tls-key, or --insecure.")
  String listen;

  @Option(names = "--allow-anonymous", description = "Serve pulls without the token.")
  boolean allowAnonymous;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "The token pulls must present, as a bearer token or a basic password (default: $"
          + BearerToken.ENV + "; none = only with --allow-anonymous).")
  Path tokenFile;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain.")
  Path cert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (PKCS#8).")
  Path key;

  @Option(names = "--insecure", description = "Allow plain HTTP off loopback (never on a shared network).")
  boolean insecure;

  @Option(names = "--max-packages", paramLabel = "N", defaultValue = "" + FrontSettings.DEFAULT_MAX_PACKAGES,
      description = "Packages a name <config>/<package>/... may append (default: ${DEFAULT-VALUE}).")
  int maxPackages;

  @Option(names = "--build-timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
      description = "How long a pull waits for its build before answering 'unavailable, pull again' (the build goes"
          + " on) (default: ${DEFAULT-VALUE}).")
  Duration buildTimeout;

  @Option(names = "--slots", paramLabel = "N", description = "Tasks built at once (default: the number of CPUs).")
  Integer slots;

  @Override
  public Integer call() throws Exception {
    Path dir = root.resolve(configs);
    if (!Files.isDirectory(dir)) {
      throw new BadInputException("--configs " + configs + " is not a directory");
    }
    FrontSettings front;
    try {
      Optional<TlsFiles> tls = cert == null && key == null ? Optional.empty()
          : Optional.of(new TlsFiles(cert == null ? null : root.resolve(cert), key == null ? null : root.resolve(key),
              null, false));
      Transport.Security security = new Transport.Security(tls, insecure,
          BearerToken.load(tokenFile == null ? null : root.resolve(tokenFile)));
      if (security.token().isEmpty() && !allowAnonymous) {
        throw new BadInputException("serve needs a token (--token-file or $" + BearerToken.ENV + ") or"
            + " --allow-anonymous: without either nobody could pull");
      }
      front = FrontSettings.listening(listen, dir, root.workDir(), security, allowAnonymous, maxPackages, buildTimeout);
      Transport.requirePlaintextAllowed("registry", front.host(), security);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    int n = slots != null ? slots : Runtime.getRuntime().availableProcessors();
    try (EmbeddedFarm farm = EmbeddedFarm.start(n, root.workDir(), RegistryOptions.defaults(), root.farmEngines(),
        Optional.of(front))) {
      String scheme = front.security().tls().isPresent() ? "https" : "http";
      String host = front.host().contains(":") ? "[" + front.host() + "]" : front.host();
      out().println("serving " + dir + " on " + scheme + "://" + host + ":" + farm.coordinator().registryPort()
          + "/v2/ (docker pull " + host + ":" + farm.coordinator().registryPort() + "/<config>:latest); Ctrl-C stops");
      out().flush();
      Daemons.runUntilSignalled(() -> {});
    }
    return 0;
  }
}
