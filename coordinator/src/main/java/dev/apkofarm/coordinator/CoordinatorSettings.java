package dev.apkofarm.coordinator;

import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.blobs.BlobCollector;
import dev.apkofarm.coordinator.front.FrontSettings;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.core.registry.RegistryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a coordinator is started with.
 *
 * @param host gRPC listen address
 * @param port gRPC port (0 = any free port)
 * @param security TLS, plaintext permission and bearer token
 * @param member how the daemon's member joins (or forms) the Hazelcast cluster ({@code HazelcastBackend.start});
 *     unread on in-process state (the embedded farm)
 * @param dataDir where the blob store lives
 * @param scheduler leases, attempts, backpressure
 * @param metricsHost HTTP address of {@code /metrics}
 * @param metricsPort its port; -1 = no metrics endpoint, 0 = any free port
 * @param healthPort a plaintext gRPC health-only port for probes (kubelets cannot probe over TLS); -1 = none
 * @param localDir where configs submitted without shipped files find their local repositories, keys and includes:
 *     the embedded farm's working directory (the client's own files, in its own process); a daemon has none, so it
 *     reads only what a client shipped
 * @param registry how the coordinator reaches registries for {@code --push}: credentials from its user's docker
 *     config, extra CAs, hosts allowed over plain HTTP (clients never send credentials)
 * @param front the registry front to serve ({@code --serve-registry}), if any
 * @param blobGrace how long a blob, upload or input tree that nothing references stays in the data dir after it was
 *     last stored or asked for ({@code --blob-grace}; see {@link BlobCollector})
 * @param blobSweep how often the data dir is swept for such blobs, after the sweep at start ({@code --blob-sweep})
 */
public record CoordinatorSettings(
    String host,
    int port,
    Transport.Security security,
    MemberSettings member,
    Path dataDir,
    SchedulerConfig scheduler,
    String metricsHost,
    int metricsPort,
    int healthPort,
    Optional<Path> localDir,
    RegistryOptions registry,
    Optional<FrontSettings> front,
    Duration blobGrace,
    Duration blobSweep) {
  public CoordinatorSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(localDir, "localDir");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(front, "front");
    // Absolute from here on: the engine compares the paths of a config's local packages, resolved against the input
    // tree under the data dir, with that tree. A relative --data-dir made those comparisons fail (the process's
    // directory resolved one side only), and every shipped package that follows its submission failed its lock.
    dataDir = dataDir.toAbsolutePath().normalize();
    localDir = localDir.map(d -> d.toAbsolutePath().normalize());
    if (blobGrace.isNegative()) {
      throw new IllegalArgumentException("the blob grace period must not be negative, got " + blobGrace);
    }
    if (blobSweep.isNegative() || blobSweep.isZero()) {
      throw new IllegalArgumentException("the blob sweep interval must be positive, got " + blobSweep);
    }
  }

  /** With the default blob grace period and sweep interval. */
  public CoordinatorSettings(String host, int port, Transport.Security security, MemberSettings member, Path dataDir,
      SchedulerConfig scheduler, String metricsHost, int metricsPort, int healthPort, Optional<Path> localDir,
      RegistryOptions registry, Optional<FrontSettings> front) {
    this(host, port, security, member, dataDir, scheduler, metricsHost, metricsPort, healthPort, localDir, registry,
        front, BlobCollector.DEFAULT_GRACE, BlobCollector.INTERVAL);
  }

  /** Without a registry front. */
  public CoordinatorSettings(String host, int port, Transport.Security security, MemberSettings member, Path dataDir,
      SchedulerConfig scheduler, String metricsHost, int metricsPort, int healthPort, Optional<Path> localDir,
      RegistryOptions registry) {
    this(host, port, security, member, dataDir, scheduler, metricsHost, metricsPort, healthPort, localDir, registry,
        Optional.empty());
  }

  /** These settings, serving the registry front {@code f}. */
  public CoordinatorSettings withFront(FrontSettings f) {
    return new CoordinatorSettings(host, port, security, member, dataDir, scheduler, metricsHost, metricsPort,
        healthPort, localDir, registry, Optional.of(f), blobGrace, blobSweep);
  }

  /** These settings, collecting unreferenced blobs after {@code grace}. */
  public CoordinatorSettings withBlobGrace(Duration grace) {
    return new CoordinatorSettings(host, port, security, member, dataDir, scheduler, metricsHost, metricsPort,
        healthPort, localDir, registry, front, grace, blobSweep);
  }

  /** These settings, sweeping the data dir every {@code interval}. */
  public CoordinatorSettings withBlobSweep(Duration interval) {
    return new CoordinatorSettings(host, port, security, member, dataDir, scheduler, metricsHost, metricsPort,
        healthPort, localDir, registry, front, blobGrace, interval);
  }

  /** With the default registry access: the docker config of this process's user, the system trust store. */
  public CoordinatorSettings(String host, int port, Transport.Security security, MemberSettings member, Path dataDir,
      SchedulerConfig scheduler, String metricsHost, int metricsPort, int healthPort, Optional<Path> localDir) {
    this(host, port, security, member, dataDir, scheduler, metricsHost, metricsPort, healthPort, localDir,
        RegistryOptions.defaults());
  }
}
