package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.core.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.JobStatus;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.state.InMemoryClusterState;
import dev.apkofarm.core.config.Arch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finished jobs leave the cluster state after the retention, by the scheduler's clock. */
class JobRetentionTest {
  private static final Duration RETENTION = Duration.ofMinutes(10);

  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock();
  private final InMemoryClusterState state = new InMemoryClusterState();
  private final SchedulerConfig config =
      new SchedulerConfig(Duration.ofSeconds(15), Duration.ofSeconds(5), 3, 100, RETENTION);
  private FakeEngine engine;
  private DiskBlobStore blobs;
  private Scheduler scheduler;
  private RecordingLink link;
  private WorkerHandle worker;

  @BeforeEach
  void setUp() throws Exception {
    blobs = new DiskBlobStore(tmp.resolve("blobs"));
    engine = new FakeEngine(blobs);
    start();
  }

  private void start() {
    scheduler = new Scheduler(state, engine, engine, blobs, clock, Runnable::run, Runnable::run, config,
        SchedulerMetrics.NONE);
    link = new RecordingLink();
    worker = scheduler.connect(new WorkerInfo("w1", Arch.AMD64, 4, "test-engine"), List.of(), link);
  }

  /** Submits a one-image job and completes whatever it assigns. */
  private JobRecord run(String extra) throws Exception {
    int before = link.assigns().size();
    JobRecord job = scheduler.submit(new JobRequest(List.of(FakeEngine.config("a", "amd64,arm64", extra)), List.of(),
        BuildSettings.defaults(), "test")).get();
    for (WorkerCommand.Assign a : link.assigns().subList(before, link.assigns().size())) {
      BuildResult r = engine.build(a.task(), "w1");
      worker.report(new TaskReport.Completed(a.task().id(), a.task().attempt(), r, Map.of(), 0, 0));
    }
    assertThat(scheduler.job(job.id()).get().job().status()).isEqualTo(JobStatus.SUCCEEDED);
    return job;
  }

  private void passTime(Duration d) throws Exception {
    clock.advance(d);
    worker.heard();
    scheduler.tick().get();
  }

  @Test
  void keepsAFinishedJobForTheRetentionThenRemovesItsRecordTasksEventsAndResults() throws Exception {
    JobRecord job = run("");
    List<String> keys = state.tasksOf(job.id()).stream().map(TaskRecord::buildKey).toList();

    passTime(RETENTION.minusSeconds(1));
    assertThat(state.job(job.id())).isPresent();
    assertThat(state.events(job.id(), 1, 100)).isNotEmpty();

    passTime(Duration.ofSeconds(1));
    assertThat(state.job(job.id())).isEmpty();
    assertThat(state.tasksOf(job.id())).isEmpty();
    assertThat(state.events(job.id(), 1, 100)).isEmpty();
    assertThat(keys).hasSize(2).allSatisfy(k -> assertThat(state.result(k)).isEmpty());
    assertThatThrownBy(() -> scheduler.job(job.id()).get())
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(UnknownJobException.class);
  }

  @Test
  void resultsAreOfferedForReuseUntilTheRetentionAndAJobsEndIsSeenWholeByItsWaiters() throws Exception {
    int before = link.assigns().size();
    JobRecord job = scheduler.submit(new JobRequest(List.of(FakeEngine.config("w", "amd64,arm64", "")), List.of(),
        BuildSettings.defaults(), "test")).get();
    var ended = scheduler.whenFinished(job.id());
    assertThat(ended).isNotDone();
    for (WorkerCommand.Assign a : link.assigns().subList(before, link.assigns().size())) {
      worker.report(new TaskReport.Completed(a.task().id(), a.task().attempt(), engine.build(a.task(), "w1"),
          Map.of(), 0, 0));
    }
    Scheduler.JobView view = ended.get();
    assertThat(view.job().status()).isEqualTo(JobStatus.SUCCEEDED);
    List<String> keys = view.tasks().stream().map(TaskRecord::buildKey).toList();
    assertThat(keys).hasSize(2);
    assertThat(scheduler.results(keys).get()).hasValueSatisfying(r -> assertThat(r).hasSize(2));
    assertThat(scheduler.results(List.of(keys.get(0), "sha256:" + "0".repeat(64))).get()).isEmpty();

    passTime(RETENTION);

    assertThat(scheduler.results(keys).get()).as("gone with the job").isEmpty();
    assertThat(view.tasks()).allSatisfy(t -> assertThat(t.buildResult()).isPresent());
    assertThatThrownBy(() -> scheduler.whenFinished(job.id()).get())
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(UnknownJobException.class);
  }

  @Test
  void aLiveJobIsNeverRemoved() throws Exception {
    JobRecord live = scheduler.submit(new JobRequest(List.of(FakeEngine.config("b", "amd64", "")), List.of(),
        BuildSettings.defaults(), "test")).get();

    passTime(RETENTION.multipliedBy(3));

    assertThat(state.job(live.id())).hasValueSatisfying(j -> assertThat(j.status()).isEqualTo(JobStatus.RUNNING));
  }

  @Test
  void aResultStaysWhileAnotherRetainedJobUsedIt() throws Exception {
    JobRecord first = run("same");
    String key = state.tasksOf(first.id()).get(0).buildKey();
    passTime(Duration.ofMinutes(5));
    JobRecord second = run("same"); // de-duplicated against the first job's results

    passTime(Duration.ofMinutes(5));
    assertThat(state.job(first.id())).isEmpty();
    assertThat(state.result(key)).isPresent();

    passTime(Duration.ofMinutes(5));
    assertThat(state.job(second.id())).isEmpty();
    assertThat(state.result(key)).isEmpty();
  }

  @Test
  void aRestartedCoordinatorRemovesJobsThatFinishedBeforeItStarted() throws Exception {
    JobRecord job = run("");
    String key = state.tasksOf(job.id()).get(0).buildKey();

    start(); // a new coordinator over the surviving state
    assertThat(scheduler.recover().get()).isZero();
    passTime(RETENTION);

    assertThat(state.job(job.id())).isEmpty();
    assertThat(state.result(key)).isEmpty();
  }
}
