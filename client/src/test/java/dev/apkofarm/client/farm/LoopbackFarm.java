package dev.apkofarm.client.farm;

import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.Coordinator;
import dev.apkofarm.coordinator.CoordinatorSettings;
import dev.apkofarm.coordinator.engine.CoordinatorEngine;
import dev.apkofarm.coordinator.hazelcast.HazelcastBackend;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.worker.Worker;
import dev.apkofarm.worker.WorkerSettings;
import dev.apkofarm.worker.pipeline.TaskExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A farm in this process as the daemons wire it: a Hazelcast member on loopback, a coordinator on a TCP port and one
 * amd64 worker of one slot that joins the member's cluster, with the engines a test chooses.
 */
final class LoopbackFarm implements AutoCloseable {
  private final HazelcastInstance member;
  private final Coordinator coordinator;
  private final Worker worker;

  private LoopbackFarm(HazelcastInstance member, Coordinator coordinator, Worker worker) {
    this.member = member;
    this.coordinator = coordinator;
    this.worker = worker;
  }

  /**
   * @param data where the coordinator ({@code data/coordinator}) and the worker ({@code data/worker}) keep their files
   * @param name the cluster's name prefix (a random suffix keeps concurrent farms apart)
   */
  static LoopbackFarm start(Path data, String name, CoordinatorEngine.Factory coordinatorEngine,
      TaskExecutor.Factory workerEngine) throws IOException {
    String cluster = name + "-" + UUID.randomUUID();
    HazelcastInstance member = Members.start(MemberSettings.loopback(cluster, List.of()));
    Coordinator coordinator = null;
    try {
      coordinator = Coordinator.start(new CoordinatorSettings("127.0.0.1", 0, Transport.Security.plaintextLoopback(),
          MemberSettings.loopback(cluster, List.of()), data.resolve("coordinator"),
          new SchedulerConfig(Duration.ofSeconds(15), Duration.ofSeconds(1), 3, 1000), "127.0.0.1", -1, -1,
          Optional.empty()),
          HazelcastBackend.on(member, cluster, Transport.Security.plaintextLoopback()), null, coordinatorEngine);
      Worker worker = Worker.start(new WorkerSettings("127.0.0.1:" + coordinator.port(),
          Transport.Security.plaintextLoopback(), "w1", Arch.AMD64, 1,
          MemberSettings.loopback(cluster, List.of(Members.address(member))), data.resolve("worker"), Duration.ZERO,
          -1, -1), workerEngine);
      return new LoopbackFarm(member, coordinator, worker);
    } catch (IOException | RuntimeException e) {
      if (coordinator != null) {
        coordinator.close();
      }
      member.shutdown();
      throw e;
    }
  }

  Coordinator coordinator() {
    return coordinator;
  }

  HazelcastInstance member() {
    return member;
  }

  /** host:port of the coordinator's gRPC server, as {@code --coordinator} takes it. */
  String coordinatorAddress() {
    return "127.0.0.1:" + coordinator.port();
  }

  @Override
  public void close() {
    worker.close();
    coordinator.close();
    member.shutdown();
  }
}
