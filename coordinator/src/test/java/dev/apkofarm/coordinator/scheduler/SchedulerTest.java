package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.core.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.model.ImageStatus;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.JobStatus;
import dev.apkofarm.coordinator.model.Stage;
import dev.apkofarm.coordinator.model.TaskStatus;
import dev.apkofarm.coordinator.state.InMemoryClusterState;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {
  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock();
  private final InMemoryClusterState state = new InMemoryClusterState();
  private final SchedulerConfig config = new SchedulerConfig(Duration.ofSeconds(15), Duration.ofSeconds(5), 3, 100);
  private FakeEngine engine;
  private DiskBlobStore blobs;
  private Scheduler scheduler;

  @BeforeEach
  void setUp() throws Exception {
    blobs = new DiskBlobStore(tmp.resolve("blobs"));
    engine = new FakeEngine(blobs);
    scheduler = newScheduler();
  }

  private Scheduler newScheduler() {
    return new Scheduler(state, engine, engine, blobs, clock, Runnable::run, Runnable::run, config,
        SchedulerMetrics.NONE);
  }

  private JobRecord submit(ImageSource... images) throws Exception {
    return scheduler.submit(new JobRequest(List.of(images), List.of(), BuildSettings.defaults(), "test")).get();
  }

  private WorkerHandle connect(String id, Arch arch, int slots, RecordingLink link) throws Exception {
    return scheduler.connect(new WorkerInfo(id, arch, slots, "test-engine"), List.of(), link);
  }

  private void complete(WorkerHandle worker, WorkerCommand.Assign a) {
    BuildResult r = engine.build(a.task(), worker.workerId());
    worker.report(new TaskReport.Completed(a.task().id(), a.task().attempt(), r, Map.of(Stage.FETCH, 5L), 3, 0));
  }

  private List<JobEvent> events(String jobId) throws Exception {
    List<JobEvent> seen = new ArrayList<>();
    scheduler.watch(jobId, 1, new EventSink() {
      @Override
      public void onEvent(JobEvent event) {
        seen.add(event);
      }

      @Override
      public void onEnd() {}
    }).get().close();
    return seen;
  }

  private JobRecord job(String id) throws Exception {
    return scheduler.job(id).get().job();
  }

  @Test
  void locksEachImageOnceAndQueuesOneTaskPerArch() throws Exception {
    JobRecord job = submit(FakeEngine.config("nginx", "amd64,arm64", ""));

    assertThat(engine.locks.get()).isEqualTo(1);
    assertThat(state.tasksOf(job.id())).extracting(t -> t.arch().ociName()).containsExactly("amd64", "arm64");
    assertThat(state.tasksOf(job.id())).allMatch(t -> t.status() == TaskStatus.QUEUED);
    assertThat(events(job.id())).extracting(e -> e.kind().getClass().getSimpleName())
        .containsExactly("JobQueued", "ImageLocked");
  }

  @Test
  void refusesAnInvalidConfigAtSubmissionNamingTheFile() {
    assertThatThrownBy(() -> submit(FakeEngine.config("bad", "amd64", "invalid: 1")))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(BadInputException.class).hasMessageContaining("bad.yaml:2:1");
    assertThat(state.jobs()).isEmpty();
  }

  @Test
  void prefersWorkersOfTheTasksNativeArch() throws Exception {
    RecordingLink amd = new RecordingLink();
    RecordingLink arm = new RecordingLink();
    connect("w-amd", Arch.AMD64, 1, amd);
    connect("w-arm", Arch.ARM64, 1, arm);

    submit(FakeEngine.config("a", "amd64,arm64", ""));

    assertThat(amd.assigns()).extracting(a -> a.task().arch()).containsExactly(Arch.AMD64);
    assertThat(arm.assigns()).extracting(a -> a.task().arch()).containsExactly(Arch.ARM64);
  }

  @Test
  void fallsBackToAnyFreeWorker() throws Exception {
    RecordingLink amd = new RecordingLink();
    connect("w-amd", Arch.AMD64, 2, amd);

    submit(FakeEngine.config("a", "arm64,amd64", ""));

    assertThat(amd.assigns()).extracting(a -> a.task().arch()).containsExactlyInAnyOrder(Arch.AMD64, Arch.ARM64);
  }

  @Test
  void buildsEveryArchThenAssemblesTheIndex() throws Exception {
    RecordingLink link = new RecordingLink();
    WorkerHandle w = connect("w1", Arch.AMD64, 2, link);
    JobRecord job = submit(FakeEngine.config("a", "amd64,arm64", ""));

    link.assigns().forEach(a -> complete(w, a));

    JobRecord done = job(job.id());
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.images().get(0).status()).isEqualTo(ImageStatus.SUCCEEDED);
    BlobRef index = done.images().get(0).index();
    assertThat(blobs.has(index.digest())).isTrue();
    assertThat(done.images().get(0).blobs()).hasSize(6);
    assertThat(events(job.id())).extracting(e -> e.kind().getClass().getSimpleName())
        .containsExactly("JobQueued", "ImageLocked", "TaskClaimed", "TaskClaimed", "TaskDone", "TaskDone",
            "ImageDone", "JobDone");
  }

  @Test
  void requeuesTheTasksOfASilentWorkerOnLeaseExpiry() throws Exception {
    RecordingLink dead = new RecordingLink();
    RecordingLink alive = new RecordingLink();
    connect("w-dead", Arch.AMD64, 1, dead);
    JobRecord job = submit(FakeEngine.config("a", "amd64", ""));
    assertThat(dead.assigns()).hasSize(1);
    WorkerHandle w2 = connect("w-alive", Arch.AMD64, 1, alive);

    clock.advance(Duration.ofSeconds(10));
    w2.heard();
    scheduler.tick().get();
    assertThat(alive.assigns()).isEmpty();

    clock.advance(Duration.ofSeconds(6));
    w2.heard();
    scheduler.tick().get();

    assertThat(dead.closed).isTrue();
    assertThat(alive.assigns()).singleElement().satisfies(a -> assertThat(a.task().attempt()).isEqualTo(2));
    assertThat(events(job.id())).anySatisfy(e -> assertThat(e.kind()).isInstanceOfSatisfying(
        JobEvent.TaskRequeued.class, r -> {
          assertThat(r.attempt()).isEqualTo(2);
          assertThat(r.reason()).contains("lease expired", "w-dead");
        }));
    complete(w2, alive.assigns().get(0));
    assertThat(job(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void aDisconnectedWorkerKeepsItsTaskUntilTheLeaseEndsAndMayReclaimIt() throws Exception {
    RecordingLink first = new RecordingLink();
    WorkerHandle w = connect("w1", Arch.AMD64, 1, first);
    JobRecord job = submit(FakeEngine.config("a", "amd64", ""));
    WorkerCommand.Assign a = first.assigns().get(0);
    w.disconnected();
    clock.advance(Duration.ofSeconds(5));
    scheduler.tick().get();

    RecordingLink second = new RecordingLink();
    WorkerHandle again = scheduler.connect(new WorkerInfo("w1", Arch.AMD64, 1, "test-engine"),
        List.of(new Scheduler.TaskRef(a.task().id(), a.task().attempt())), second);
    clock.advance(Duration.ofSeconds(20));
    again.heard();
    scheduler.tick().get();
    complete(again, a);

    assertThat(second.cancels()).isEmpty();
    assertThat(job(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void failsTheImageWithEveryReasonAfterTheLastAttempt() throws Exception {
    RecordingLink link = new RecordingLink();
    WorkerHandle w = connect("w1", Arch.AMD64, 1, link);
    JobRecord job = submit(FakeEngine.config("a", "amd64", ""));

    for (int attempt = 1; attempt <= 3; attempt++) {
      WorkerCommand.Assign a = link.assigns().get(attempt - 1);
      assertThat(a.task().attempt()).isEqualTo(attempt);
      w.report(new TaskReport.Failed(a.task().id(), attempt, "disk full #" + attempt, false));
    }

    JobRecord failed = job(job.id());
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.images().get(0).failure())
        .contains("amd64 failed after 3 attempt(s)", "disk full #1", "disk full #2", "disk full #3");
    assertThat(link.assigns()).hasSize(3);
  }

  @Test
  void aPermanentFailureFailsTheImageAtOnceAndCancelsItsOtherArchs() throws Exception {
    RecordingLink link = new RecordingLink();
    WorkerHandle w = connect("w1", Arch.AMD64, 2, link);
    JobRecord job = submit(FakeEngine.config("a", "amd64,arm64", ""));
    WorkerCommand.Assign amd = link.assigns().get(0);

    w.report(new TaskReport.Failed(amd.task().id(), 1, "package foo-1.0: data hash mismatch", true));

    assertThat(job(job.id()).images().get(0).failure()).contains("foo-1.0: data hash mismatch");
    assertThat(link.cancels()).extracting(WorkerCommand.Cancel::taskId).containsExactly(link.assigns().get(1).task().id());
  }

  @Test
  void identicalInFlightBuildsRunOnce() throws Exception {
    RecordingLink link = new RecordingLink();
    WorkerHandle w = connect("w1", Arch.AMD64, 4, link);
    JobRecord first = submit(FakeEngine.config("a", "amd64", "same"));
    JobRecord second = submit(FakeEngine.config("a", "amd64", "same"));

    assertThat(link.assigns()).hasSize(1);
    assertThat(state.tasksOf(second.id())).singleElement()
        .satisfies(t -> assertThat(t.status()).isEqualTo(TaskStatus.DEDUPLICATED));
    complete(w, link.assigns().get(0));

    assertThat(job(first.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(job(second.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(job(second.id()).images().get(0).index()).isEqualTo(job(first.id()).images().get(0).index());
  }

  @Test
  void aFinishedIdenticalBuildCostsALookup() throws Exception {
    RecordingLink link = new RecordingLink();
    WorkerHandle w = connect("w1", Arch.AMD64, 4, link);
    submit(FakeEngine.config("a", "amd64", "same"));
    complete(w, link.assigns().get(0));

    JobRecord again = submit(FakeEngine.config("a", "amd64", "same"));

    assertThat(link.assigns()).hasSize(1);
    assertThat(job(again.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(events(again.id())).anySatisfy(e -> assertThat(e.kind())
        .isEqualTo(new JobEvent.TaskDeduplicated("a", "amd64", "result")));
  }

  @Test
  void aFollowerBuildsItselfWhenItsLeaderIsCancelled() throws Exception {
    RecordingLink link = new RecordingLink();
    connect("w1", Arch.AMD64, 4, link);
    JobRecord first = submit(FakeEngine.config("a", "amd64", "same"));
    JobRecord second = submit(FakeEngine.config("a", "amd64", "same"));

    scheduler.cancel(first.id(), "changed my mind").get();

    assertThat(link.cancels()).hasSize(1);
    assertThat(link.assigns()).hasSize(2);
    assertThat(link.assigns().get(1).task().jobId()).isEqualTo(second.id());
  }

  @Test
  void cancelStopsRunningTasksOnTheirWorkers() throws Exception {
    RecordingLink link = new RecordingLink();
    WorkerHandle w = connect("w1", Arch.AMD64, 1, link);
    JobRecord job = submit(FakeEngine.config("a", "amd64,arm64", ""));
    WorkerCommand.Assign running = link.assigns().get(0);

    JobRecord cancelled = scheduler.cancel(job.id(), "user").get();

    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(link.cancels()).singleElement().satisfies(c -> assertThat(c.taskId()).isEqualTo(running.task().id()));
    assertThat(state.tasksOf(job.id())).allMatch(t -> t.status() == TaskStatus.CANCELLED);
    // The worker's late answer frees its slot; nothing else is queued.
    w.report(new TaskReport.Failed(running.task().id(), 1, "cancelled", false));
    assertThat(scheduler.stats().running()).isZero();
    assertThat(scheduler.stats().queued()).isZero();
  }

  @Test
  void watchReplaysFromTheRequestedSeqThenFollowsLiveEvents() throws Exception {
    RecordingLink link = new RecordingLink();
    WorkerHandle w = connect("w1", Arch.AMD64, 1, link);
    JobRecord job = submit(FakeEngine.config("a", "amd64", ""));
    List<JobEvent> seen = new ArrayList<>();
    boolean[] ended = {false};

    scheduler.watch(job.id(), 3, new EventSink() {
      @Override
      public void onEvent(JobEvent event) {
        seen.add(event);
      }

      @Override
      public void onEnd() {
        ended[0] = true;
      }
    }).get();
    complete(w, link.assigns().get(0));

    assertThat(seen).extracting(JobEvent::seq).containsExactly(3L, 4L, 5L, 6L);
    assertThat(seen.get(0).kind()).isInstanceOf(JobEvent.TaskClaimed.class);
    assertThat(seen.get(seen.size() - 1).kind()).isInstanceOf(JobEvent.JobDone.class);
    assertThat(ended[0]).isTrue();
  }

  @Test
  void rejectsAResultWhoseBlobsTheCoordinatorDoesNotHave() throws Exception {
    RecordingLink link = new RecordingLink();
    WorkerHandle w = connect("w1", Arch.AMD64, 1, link);
    JobRecord job = submit(FakeEngine.config("a", "amd64", ""));
    WorkerCommand.Assign a = link.assigns().get(0);
    BuildResult r = engine.build(a.task(), "w1");
    BlobRef ghost = BlobRef.of(r.config().mediaType(), "sha256:" + "0".repeat(64), 10);

    w.report(new TaskReport.Completed(a.task().id(), 1, new BuildResult(r.arch(), r.manifest(), ghost, r.layers(), null, 0, 0, List.of(), "w1"),
        Map.of(), 0, 0));

    assertThat(link.assigns()).hasSize(2);
    assertThat(events(job.id())).anySatisfy(e -> assertThat(e.kind()).isInstanceOfSatisfying(
        JobEvent.TaskRequeued.class, q -> assertThat(q.reason()).contains("does not have", ghost.digest())));
  }

  @Test
  void aDrainingWorkerGetsNothingNewAndItsHandedBackTasksAreRequeued() throws Exception {
    RecordingLink first = new RecordingLink();
    RecordingLink second = new RecordingLink();
    WorkerHandle w1 = connect("w1", Arch.AMD64, 1, first);
    JobRecord job = submit(FakeEngine.config("a", "amd64", ""));
    WorkerCommand.Assign a = first.assigns().get(0);

    w1.draining(List.of(new Scheduler.TaskRef(a.task().id(), 1)));
    connect("w2", Arch.AMD64, 1, second);

    assertThat(first.assigns()).hasSize(1);
    assertThat(second.assigns()).singleElement().satisfies(x -> assertThat(x.task().attempt()).isEqualTo(2));
    assertThat(job(job.id()).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void aRestartedCoordinatorResumesRunningJobsFromTheClusterState() throws Exception {
    RecordingLink link = new RecordingLink();
    connect("w1", Arch.AMD64, 2, link);
    JobRecord job = submit(FakeEngine.config("a", "amd64,arm64", ""), FakeEngine.config("b", "amd64", ""));
    assertThat(link.assigns()).hasSize(2);
    WorkerCommand.Assign held = link.assigns().get(0);

    scheduler = newScheduler(); // the old one is gone; the state survived
    assertThat(scheduler.recover().get()).isEqualTo(1);
    RecordingLink relink = new RecordingLink();
    WorkerHandle w = scheduler.connect(new WorkerInfo("w1", Arch.AMD64, 2, "test-engine"),
        List.of(new Scheduler.TaskRef(held.task().id(), held.task().attempt())), relink);

    // The worker kept one task; the other it lost is requeued when its lease ends.
    clock.advance(Duration.ofSeconds(16));
    w.heard();
    scheduler.tick().get();
    complete(w, held);
    for (int i = 0; i < 10 && job(job.id()).status() == JobStatus.RUNNING; i++) {
      new ArrayList<>(relink.assigns()).stream()
          .filter(x -> state.task(x.task().id()).orElseThrow().status() == TaskStatus.RUNNING)
          .forEach(x -> complete(w, x));
    }

    assertThat(job(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(events(job.id())).extracting(JobEvent::seq).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void aRestartedCoordinatorWaitsForAShippedPackageWhoseUploadBrokeOffWithThePreviousOne() throws Exception {
    byte[] apk = "a large package, uploaded after the submission".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String digest = dev.apkofarm.core.oci.Digest.of(apk).toString();
    byte[] key = "a key".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String keyDigest = dev.apkofarm.core.oci.Digest.of(key).toString();
    try (var w = blobs.writer(keyDigest, key.length)) { // small shipped files are stored before the submission
      w.write(key, 0, key.length);
      w.commit();
    }
    ImageSource source = new ImageSource("a", "a.yaml",
        "archs: amd64\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Map.of("repo/x86_64/big.apk", digest, "key.rsa.pub", keyDigest));
    connect("w1", Arch.AMD64, 1, new RecordingLink());
    submit(source);

    // Restarted: a new store over the same directory knows no upload under way; the package never arrived.
    blobs = new DiskBlobStore(tmp.resolve("blobs"));
    engine = new FakeEngine(blobs);
    scheduler = newScheduler();
    assertThat(blobs.arriving(digest, 0)).isEmpty();
    assertThat(scheduler.recover().get()).isEqualTo(1);

    // A worker asking for it now follows the client's upload when it comes, instead of failing at once.
    assertThat(blobs.arriving(keyDigest, 0)).as("a stored file is not expected").isEmpty();
    try (var reader = blobs.arriving(digest, 0).orElseThrow()) {
      try (var w = blobs.writer(digest, apk.length)) {
        w.write(apk, 0, apk.length);
        w.commit();
      }
      assertThat(reader.readAllBytes()).isEqualTo(apk);
    }
    assertThat(blobs.has(digest)).isTrue();
  }

  @Test
  void reportsQueueLengthAndWorkersByArchAndState() throws Exception {
    connect("w1", Arch.AMD64, 1, new RecordingLink());
    connect("w2", Arch.ARM64, 1, new RecordingLink());
    submit(FakeEngine.config("a", "amd64", "1"), FakeEngine.config("b", "amd64", "2"),
        FakeEngine.config("c", "amd64", "3"));

    Scheduler.Stats stats = scheduler.stats();
    assertThat(stats.queued()).isEqualTo(1);
    assertThat(stats.running()).isEqualTo(2);
    assertThat(stats.workers()).isEqualTo(Map.of("amd64", Map.of("busy", 1), "arm64", Map.of("busy", 1)));
  }
}
