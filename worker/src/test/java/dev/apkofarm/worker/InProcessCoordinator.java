package dev.apkofarm.worker;

import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.engine.CoordinatorEngine;
import dev.apkofarm.coordinator.grpc.BlobServiceImpl;
import dev.apkofarm.coordinator.grpc.WorkerServiceImpl;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.scheduler.JobRequest;
import dev.apkofarm.coordinator.scheduler.Scheduler;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.coordinator.scheduler.SchedulerMetrics;
import dev.apkofarm.coordinator.state.InMemoryClusterState;
import dev.apkofarm.core.registry.RegistryOptions;
import dev.apkofarm.proto.v1.ClusterInfo;
import dev.apkofarm.worker.testing.FakeEngines;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real coordinator's scheduler and gRPC services (worker and blob) in this JVM, on the fake engine, served on
 * in-process transports the test names. Taking a transport down and up again is how a test breaks a worker's stream
 * for real; its clock moves only when the test says, so leases expire exactly when a test wants them to.
 */
final class InProcessCoordinator implements AutoCloseable {
  /** The scheduler's clock, moved by the test. */
  static final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  static final Duration LEASE = Duration.ofSeconds(30);

  final TestClock clock = new TestClock();
  final InMemoryClusterState state = new InMemoryClusterState();
  final DiskBlobStore blobs;
  final Scheduler scheduler;
  private final ExecutorService loop = Executors.newSingleThreadExecutor();
  private final ExecutorService engine = Executors.newSingleThreadExecutor();
  private final WorkerServiceImpl workerService;
  private final BlobServiceImpl blobService;
  private final Map<String, Server> servers = new HashMap<>();
  /** In-process names are global to the JVM: this coordinator's are its own. */
  private final String prefix = "coordinator-" + java.util.UUID.randomUUID() + "-";

  InProcessCoordinator(Path dir) throws IOException {
    blobs = new DiskBlobStore(dir.resolve("blobs"));
    CoordinatorEngine fake = new FakeEngines.Coordinator(
        new CoordinatorEngine.Context(blobs, null, Optional.empty(), dir, RegistryOptions.defaults()));
    scheduler = new Scheduler(state, fake, fake, blobs, clock, loop, engine,
        new SchedulerConfig(LEASE, Duration.ofSeconds(1), 3, 100), SchedulerMetrics.NONE);
    workerService = new WorkerServiceImpl(scheduler, () -> ClusterInfo.getDefaultInstance());
    blobService = new BlobServiceImpl(blobs, Optional.empty());
  }

  /** The in-process name of transport {@code name}, for a channel to it. */
  String address(String name) {
    return prefix + name;
  }

  /** Serves the coordinator on the in-process transport {@code name} (again, after {@link #down}). */
  void up(String name) throws IOException {
    servers.put(name, InProcessServerBuilder.forName(address(name)).directExecutor()
        .addService(workerService).addService(blobService).build().start());
  }

  /** Takes transport {@code name} down: every stream on it breaks, and nothing reaches the coordinator there. */
  void down(String name) throws InterruptedException {
    Server s = servers.remove(name);
    s.shutdownNow();
    s.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Submits one image whose fake config is {@code text} (see {@link FakeEngines}). */
  JobRecord submit(String image, String text) throws Exception {
    ImageSource source = new ImageSource(image, image + ".yaml", text.getBytes(StandardCharsets.UTF_8), Map.of());
    return scheduler.submit(new JobRequest(List.of(source), List.of(), BuildSettings.defaults(), "test")).get();
  }

  JobRecord job(String jobId) throws Exception {
    return scheduler.job(jobId).get().job();
  }

  TaskRecord onlyTask(String jobId) throws Exception {
    List<TaskRecord> tasks = scheduler.job(jobId).get().tasks();
    if (tasks.size() != 1) {
      throw new AssertionError("expected one task, got " + tasks);
    }
    return tasks.get(0);
  }

  List<JobEvent.Kind> events(String jobId) {
    return state.events(jobId, 1, Long.MAX_VALUE).stream().map(JobEvent::kind).toList();
  }

  /** Runs the lease ticker once (what the daemon does every second), on the clock's current time. */
  void tick() throws Exception {
    scheduler.tick().get();
  }

  @Override
  public void close() throws InterruptedException {
    for (String name : List.copyOf(servers.keySet())) {
      down(name);
    }
    loop.shutdownNow();
    engine.shutdownNow();
  }
}
