package dev.apkofarm.coordinator.front;

import dev.apkofarm.cluster.security.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a coordinator serves its registry front ({@code --serve-registry}).
 *
 * @param host listen address
 * @param port listen port (0 = any free port)
 * @param configs the directory of configs served, one image per {@code *.yaml}/{@code *.yml}
 * @param workDir the directory the front was started in: its configs' relative paths resolve in it, and on a daemon
 *     their local repositories and keys must lie in it (the engine locks them there as it locks a shipped config in
 *     its input tree)
 * @param security TLS and the token, as the farm's gRPC endpoint has them: plaintext only on loopback or with
 *     {@code --insecure}
 * @param allowAnonymous serve pulls without the token
 * @param maxPackages how many packages an ad hoc name ({@code <config>/<package>/...}) may append
 * @param buildTimeout how long a pull waits for a build before answering "unavailable, pull again" (the build goes
 *     on, and the next pull waits for the same build)
 */
public record FrontSettings(String host, int port, Path configs, Path workDir, Transport.Security security,
    boolean allowAnonymous, int maxPackages, Duration buildTimeout) {
  /** How many packages an ad hoc name may append unless told otherwise. */
  public static final int DEFAULT_MAX_PACKAGES = 16;
  /** How long a pull waits for a build unless told otherwise. */
  public static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofMinutes(10);

  public FrontSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(configs, "configs");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(buildTimeout, "buildTimeout");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("registry port " + port + " is not a port");
    }
    if (maxPackages < 0) {
      throw new IllegalArgumentException("the package limit of ad hoc names must not be negative");
    }
    if (buildTimeout.isNegative() || buildTimeout.isZero()) {
      throw new IllegalArgumentException("the build timeout of a pull must be positive");
    }
  }

  /**
   * Parses {@code HOST:PORT} (a port of 0 lets the system choose; an IPv6 host in brackets).
   *
   * @throws IllegalArgumentException naming the value
   */
  public static FrontSettings listening(String hostPort, Path configs, Path workDir, Transport.Security security,
      boolean allowAnonymous, int maxPackages, Duration buildTimeout) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("\"" + hostPort + "\" is not HOST:PORT");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + hostPort + "\" is not HOST:PORT (bad port)");
    }
    return new FrontSettings(host, port, configs, workDir, security, allowAnonymous, maxPackages, buildTimeout);
  }
}
