package dev.apkofarm.worker;

import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.config.Arch;
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
    int metricsPort) {
  public WorkerSettings {
    Objects.requireNonNull(coordinator, "coordinator");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(drainGrace, "drainGrace");
    if (slots < 1) {
      throw new IllegalArgumentException("--slots must be at least 1");
    }
  }
}
