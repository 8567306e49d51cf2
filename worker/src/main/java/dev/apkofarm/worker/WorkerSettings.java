package dev.apkofarm.worker;

import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.registry.RegistryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a worker is started with.
 *
 * @param coordinator host:port of the coordinator
 * @param security TLS, plaintext permission and bearer token for the coordinator channel
 * @param id unique worker id
 * @param arch the native arch it announces
 * @param slots tasks at once
 * @param member how to join the cache cluster; its member list, when empty, is learnt from the coordinator
 * @param workDir scratch space for builds
 * @param drainGrace how long a stopping worker lets running tasks finish before handing them back
 * @param healthPort gRPC health server port; -1 = none, 0 = any
 * @param metricsPort {@code /metrics} port; -1 = none, 0 = any
 * @param registry how the worker pushes to registries for {@code --push}: credentials from its user's docker config,
 *     extra CAs, hosts allowed over plain HTTP
 * @param blobPort the port of its peer blob service (large cached packages for the other workers); 0 = any, -1 =
 *     none (it then shares only small ones, through Hazelcast)
 */
public record WorkerSettings(
    String coordinator,
    Transport.Security security,
    String id,
    Arch arch,
    int slots,
    MemberSettings member,
    Path workDir,
    Duration drainGrace,
    int healthPort,
    int metricsPort,
    RegistryOptions registry,
    int blobPort) {
  public WorkerSettings {
    Objects.requireNonNull(coordinator, "coordinator");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(drainGrace, "drainGrace");
    Objects.requireNonNull(registry, "registry");
    if (slots < 1) {
      throw new IllegalArgumentException("--slots must be at least 1");
    }
    if (blobPort < -1 || blobPort > 65535) {
      throw new IllegalArgumentException("--blob-port " + blobPort + " is not a port");
    }
  }

  /** With the peer blob service on any free port. */
  public WorkerSettings(String coordinator, Transport.Security security, String id, Arch arch, int slots,
      MemberSettings member, Path workDir, Duration drainGrace, int healthPort, int metricsPort,
      RegistryOptions registry) {
    this(coordinator, security, id, arch, slots, member, workDir, drainGrace, healthPort, metricsPort, registry, 0);
  }

  /** With the default registry access: the docker config of this process's user, the system trust store. */
  public WorkerSettings(String coordinator, Transport.Security security, String id, Arch arch, int slots,
      MemberSettings member, Path workDir, Duration drainGrace, int healthPort, int metricsPort) {
    this(coordinator, security, id, arch, slots, member, workDir, drainGrace, healthPort, metricsPort,
        RegistryOptions.defaults());
  }
}
