package dev.apkofarm.client.farm;

import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.Coordinator;
import dev.apkofarm.coordinator.CoordinatorSettings;
import dev.apkofarm.coordinator.engine.CoreCoordinatorEngine;
import dev.apkofarm.coordinator.front.FrontSettings;
import dev.apkofarm.coordinator.hazelcast.HazelcastBackend;
import dev.apkofarm.coordinator.scheduler.Scheduler;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.worker.Worker;
import dev.apkofarm.worker.WorkerSettings;
import dev.apkofarm.worker.pipeline.CoreTaskExecutor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A farm on loopback with core's engines and a registry front: a Hazelcast member, a coordinator serving {@code
 * front}, and one worker (which builds every arch: building runs nothing of the image).
 */
final class FrontFarm implements AutoCloseable {
  final HazelcastInstance member;
  final Coordinator coordinator;
  final Worker worker;

  private FrontFarm(HazelcastInstance member, Coordinator coordinator, Worker worker) {
    this.member = member;
    this.coordinator = coordinator;
    this.worker = worker;
  }

  /**
   * A farm as a daemon runs it: no local directory of a client's (the front's configs are locked in the front's own
   * {@link FrontSettings#workDir}).
   *
   * @param data where the coordinator and worker keep their files
   */
  static FrontFarm start(Path data, FrontSettings front, Duration retention) throws IOException {
    String cluster = "front-" + UUID.randomUUID();
    HazelcastInstance member = Members.start(MemberSettings.loopback(cluster, List.of()));
    Coordinator coordinator = null;
    try {
      coordinator = Coordinator.start(new CoordinatorSettings("127.0.0.1", 0, Transport.Security.plaintextLoopback(),
          MemberSettings.loopback(cluster, List.of()), data.resolve("coordinator"),
          new SchedulerConfig(Duration.ofSeconds(30), Duration.ofSeconds(1), 3, 1000, retention), "127.0.0.1", 0, -1,
          Optional.empty()).withFront(front),
          HazelcastBackend.on(member, cluster, Transport.Security.plaintextLoopback()), null, CoreCoordinatorEngine::new);
      Worker worker = Worker.start(new WorkerSettings("127.0.0.1:" + coordinator.port(),
          Transport.Security.plaintextLoopback(), "w1", Arch.AMD64, 2,
          MemberSettings.loopback(cluster, List.of(Members.address(member))), data.resolve("worker"), Duration.ZERO,
          -1, -1), CoreTaskExecutor::new);
      return new FrontFarm(member, coordinator, worker);
    } catch (IOException | RuntimeException e) {
      if (coordinator != null) {
        coordinator.close();
      }
      member.shutdown();
      throw e;
    }
  }

  /**
   * A front on 127.0.0.1, any port, serving {@code configs} of {@code workDir} (the configs' relative repository paths
   * resolve in it).
   */
  static FrontSettings front(Path workDir, Path configs, Transport.Security security, boolean anonymous) {
    return new FrontSettings("127.0.0.1", 0, configs, workDir, security, anonymous, 3, Duration.ofMinutes(2));
  }

  String base(String scheme) {
    return scheme + "://127.0.0.1:" + coordinator.registryPort();
  }

  /** The sum of a metric's samples in the coordinator's {@code /metrics} (Prometheus names: {@code a_b_total}). */
  double metric(String name) throws IOException, InterruptedException {
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + coordinator.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** The farm's jobs (finished ones too) with this label. */
  List<Scheduler.JobView> jobsLabelled(String label) throws Exception {
    return coordinator.scheduler().jobs(true).get(30, TimeUnit.SECONDS).stream()
        .filter(j -> j.job().label().equals(label)).toList();
  }

  @Override
  public void close() {
    worker.close();
    coordinator.close();
    member.shutdown();
  }
}
