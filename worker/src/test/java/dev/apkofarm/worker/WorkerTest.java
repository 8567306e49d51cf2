package dev.apkofarm.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.JobStatus;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.model.TaskStatus;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.cache.SharedCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.testing.Await;
import dev.apkofarm.worker.testing.FakeEngines;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real worker (connection, task runner, delivery) in this JVM against a real coordinator's scheduler and services
 * on in-process gRPC, with the fake engines. Streams break for real (the transport goes away) and leases expire on
 * the test's clock; builds are held on a file the test creates, so nothing depends on how fast the machine is.
 */
class WorkerTest {
  // Only a failing test waits this long; a loaded machine (other builds, the whole suite) is slow, not wrong.
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path tmp;
  private InProcessCoordinator coordinator;
  private final List<Worker> workers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Path gate;

  @BeforeEach
  void start() throws Exception {
    coordinator = new InProcessCoordinator(tmp.resolve("coordinator"));
    gate = tmp.resolve("release");
  }

  @AfterEach
  void stop() throws Exception {
    workers.forEach(Worker::close);
    channels.forEach(ManagedChannel::shutdownNow);
    coordinator.close();
  }

  /** A worker {@code id} reaching the coordinator over its own transport (also named {@code id}). */
  private Worker worker(String id) throws Exception {
    coordinator.up(id);
    ManagedChannel channel = InProcessChannelBuilder.forName(coordinator.address(id)).directExecutor().build();
    channels.add(channel);
    WorkerSettings settings = new WorkerSettings(id, Transport.Security.plaintextLoopback(), id, Arch.AMD64, 1,
        MemberSettings.loopback("unused", List.of()), tmp.resolve(id), Duration.ZERO, -1, -1);
    Worker w = Worker.start(settings, channel, SharedCache.unshared(new DiskBlobCache(tmp.resolve(id + "-cache"))),
        FakeEngines.Worker::new);
    workers.add(w);
    return w;
  }

  @Test
  void aMetricsPortWithNoRegistryToServeIsRefused() throws Exception {
    coordinator.up("w");
    ManagedChannel channel = InProcessChannelBuilder.forName(coordinator.address("w")).directExecutor().build();
    channels.add(channel);
    WorkerSettings settings = new WorkerSettings("w", Transport.Security.plaintextLoopback(), "w", Arch.AMD64, 1,
        MemberSettings.loopback("unused", List.of()), tmp.resolve("w"), Duration.ZERO, -1, 0);
    SharedCache cache = SharedCache.unshared(new DiskBlobCache(tmp.resolve("w-cache")));

    assertThatThrownBy(() -> Worker.start(settings, channel, cache, FakeEngines.Worker::new, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metrics port");
  }

  /** A job of one amd64 image whose build waits for the test's gate file. */
  private JobRecord heldJob() throws Exception {
    return coordinator.submit("app", "archs: amd64\n" + FakeEngines.HOLD_UNTIL + gate + "\n");
  }

  private void awaitJob(String jobId, JobStatus status) {
    Await.until(WAIT, "job " + jobId + " to be " + status, () -> {
      try {
        return coordinator.job(jobId).status() == status;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  private long count(String jobId, Class<? extends JobEvent.Kind> kind) {
    return coordinator.events(jobId).stream().filter(kind::isInstance).count();
  }

  @Test
  void buildsATaskAndDeliversItsBlobsBeforeReportingIt() throws Exception {
    Worker w = worker("a");
    JobRecord job = coordinator.submit("app", "archs: amd64,arm64\n");

    awaitJob(job.id(), JobStatus.SUCCEEDED);

    JobRecord done = coordinator.job(job.id());
    assertThat(done.images().get(0).blobs()).isNotEmpty().allSatisfy(
        b -> assertThat(coordinator.blobs.size(b.digest())).hasValue(b.size()));
    assertThat(w.tasks().completed()).isEqualTo(2);
    assertThat(count(job.id(), JobEvent.TaskDone.class)).isEqualTo(2);
  }

  @Test
  void aStreamDroppedMidTaskKeepsTheAttemptAndItsResultArrivesOverTheNextStream() throws Exception {
    Worker w = worker("a");
    JobRecord job = heldJob();
    Await.until(WAIT, "the task to run on a", () -> w.tasks().running() == 1);

    coordinator.down("a");
    Files.createFile(gate); // the build finishes while the worker has no stream: its delivery waits
    coordinator.up("a");

    awaitJob(job.id(), JobStatus.SUCCEEDED);
    TaskRecord task = coordinator.onlyTask(job.id());
    assertThat(task.attempt()).isEqualTo(1);
    assertThat(task.worker()).isEqualTo("a");
    assertThat(count(job.id(), JobEvent.TaskRequeued.class)).isZero();
    assertThat(w.pendingReports()).isZero();
  }

  @Test
  void aCancelInterruptsTheRunningBuild() throws Exception {
    Worker w = worker("a");
    JobRecord job = heldJob();
    // Running as the worker counts it: the slot thread may or may not have entered the build yet (the cancel must
    // end the attempt either way; TaskRunnerTest holds each moment open).
    Await.until(WAIT, "the task to run on a", () -> w.tasks().running() == 1);

    coordinator.scheduler.cancel(job.id(), "not needed").get();

    // The gate never opens: the build can only have ended by being cancelled.
    Await.until(WAIT, "the build to stop", () -> w.tasks().running() == 0 && w.tasks().completed() == 1);
    assertThat(coordinator.job(job.id()).status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(coordinator.onlyTask(job.id()).status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(Files.exists(gate)).isFalse();
    // The coordinator heard the attempt end: a's only slot is free there again, so the next job runs on a.
    JobRecord next = coordinator.submit("next", "archs: amd64\n");
    awaitJob(next.id(), JobStatus.SUCCEEDED);
    assertThat(coordinator.onlyTask(next.id()).worker()).isEqualTo("a");
  }

  @Test
  void aDrainingWorkerHandsBackItsTaskAndAnotherWorkerFinishesIt() throws Exception {
    Worker a = worker("a");
    JobRecord job = heldJob();
    Await.until(WAIT, "the task to run on a", () -> a.tasks().running() == 1);
    Worker b = worker("b");

    assertThat(a.tasks().drain(Duration.ZERO)).hasSize(1);
    Await.until(WAIT, "the task to run on b", () -> b.tasks().running() == 1);
    Files.createFile(gate);

    awaitJob(job.id(), JobStatus.SUCCEEDED);
    TaskRecord task = coordinator.onlyTask(job.id());
    assertThat(task.attempt()).isEqualTo(2);
    assertThat(task.worker()).isEqualTo("b");
    assertThat(coordinator.events(job.id())).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
        JobEvent.TaskRequeued.class, r -> assertThat(r.reason()).contains("handed back by draining worker a")));
  }

  @Test
  void aStaleResultOfAnAttemptRequeuedAfterItsLeaseEndedIsIgnored() throws Exception {
    Worker a = worker("a");
    JobRecord job = heldJob();
    Await.until(WAIT, "the task to run on a", () -> a.tasks().running() == 1);
    Worker b = worker("b");

    coordinator.down("a"); // a keeps building, but the coordinator hears nothing from it
    coordinator.tick(); // the loop has taken in a's disconnection, on the clock's time, before the clock moves
    coordinator.clock.advance(InProcessCoordinator.LEASE.plusSeconds(1));
    coordinator.tick();
    Await.until(WAIT, "attempt 2 to run on b", () -> b.tasks().running() == 1);
    Files.createFile(gate);
    awaitJob(job.id(), JobStatus.SUCCEEDED);
    assertThat(a.tasks().completed()).as("a's attempt 1 waits to deliver").isZero();
    coordinator.up("a");
    Await.until(WAIT, "a to deliver its stale result and have it taken",
        () -> a.tasks().completed() == 1 && a.pendingReports() == 0);
    coordinator.tick(); // anything a's report set in motion has run on the loop by the time this returns

    TaskRecord task = coordinator.onlyTask(job.id());
    assertThat(task.attempt()).isEqualTo(2);
    assertThat(task.worker()).isEqualTo("b");
    assertThat(count(job.id(), JobEvent.TaskDone.class)).isEqualTo(1);
    assertThat(coordinator.events(job.id())).filteredOn(JobEvent.TaskDone.class::isInstance)
        .allSatisfy(e -> assertThat(((JobEvent.TaskDone) e).worker()).isEqualTo("b"));
    assertThat(coordinator.job(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
  }
}
