package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.core.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.coordinator.blobs.BlobCollector;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.JobStatus;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.state.InMemoryClusterState;
import dev.apkofarm.core.config.Arch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the cluster state references of the blob store, swept by a real {@link BlobCollector} on the scheduler's
 * clock: a live job's shipped files and a finished job's outputs stay (the outputs until the job's retention ends,
 * which {@code submit --output} re-attaching needs), and after a coordinator restart the references, read from the
 * state, are the same.
 */
class BlobReferencesTest {
  private static final Duration RETENTION = Duration.ofHours(2);
  private static final Duration GRACE = Duration.ofMinutes(30);

  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock();
  private final InMemoryClusterState state = new InMemoryClusterState();
  private final SchedulerConfig config =
      new SchedulerConfig(Duration.ofHours(10), Duration.ofSeconds(5), 3, 100, RETENTION);
  private DiskBlobStore blobs;
  private FakeEngine engine;
  private Scheduler scheduler;
  private RecordingLink link;
  private WorkerHandle worker;
  private BlobCollector collector;

  @BeforeEach
  void setUp() throws Exception {
    start();
  }

  /** A coordinator on the state and data dir (again, after a restart). */
  private void start() throws Exception {
    blobs = new DiskBlobStore(tmp.resolve("blobs"), clock);
    engine = new FakeEngine(blobs);
    scheduler = new Scheduler(state, engine, engine, blobs, clock, Runnable::run, Runnable::run, config,
        SchedulerMetrics.NONE);
    scheduler.recover().get();
    link = new RecordingLink();
    worker = scheduler.connect(new WorkerInfo("w1", Arch.AMD64, 4, "test-engine"), List.of(), link);
    collector = new BlobCollector(blobs, tmp.resolve("inputs"), GRACE, new SimpleMeterRegistry());
  }

  private BlobCollector.Sweep sweep() throws Exception {
    BlobReferences refs = scheduler.blobReferences();
    return collector.sweep(refs.blobs(), Set.of());
  }

  private void passTime(Duration d) throws Exception {
    clock.advance(d);
    worker.heard();
    scheduler.tick().get();
  }

  private JobRecord submit(ImageSource source) throws Exception {
    return scheduler.submit(new JobRequest(List.of(source), List.of(), BuildSettings.defaults(), "test")).get();
  }

  /** Builds what was assigned since {@code before}; returns every blob the results and index name. */
  private Set<String> buildAssigned(int before) throws Exception {
    Set<String> outputs = new HashSet<>();
    for (WorkerCommand.Assign a : new ArrayList<>(link.assigns().subList(before, link.assigns().size()))) {
      BuildResult r = engine.build(a.task(), "w1");
      r.imageBlobs().forEach(b -> outputs.add(b.digest()));
      worker.report(new TaskReport.Completed(a.task().id(), a.task().attempt(), r, Map.of(), 0, 0));
    }
    return outputs;
  }

  @Test
  void aFinishedJobsOutputsStayUntilItsRetentionEndsThenGo() throws Exception {
    JobRecord job = submit(FakeEngine.config("a", "amd64,arm64", ""));
    Set<String> outputs = buildAssigned(0);
    JobRecord done = scheduler.job(job.id()).get().job();
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    String index = done.images().get(0).indexRef().map(BlobRef::digest).orElseThrow();
    outputs.add(index);
    BlobRef stray = engine.put("application/octet-stream", "nobody's");

    passTime(GRACE.plusMinutes(1)); // old, but the job is retained: a client may still re-attach and download
    sweep();
    assertThat(outputs).allMatch(blobs::has);
    assertThat(blobs.has(stray.digest())).isFalse();

    passTime(RETENTION); // the job and its results leave the state
    assertThat(state.job(job.id())).isEmpty();
    BlobCollector.Sweep s = sweep();
    assertThat(outputs).noneMatch(blobs::has);
    assertThat(s.blobs()).isEqualTo(outputs.size());
  }

  @Test
  void aLiveJobsShippedFilesAndResultsStayAcrossARestart() throws Exception {
    BlobRef shipped = engine.put("application/octet-stream", "a shipped package");
    BlobRef other = engine.put("application/octet-stream", "a file of a finished job's submission");
    String yaml = "archs: amd64,arm64\n";
    JobRecord live = submit(new ImageSource("b", "b.yaml", yaml.getBytes(StandardCharsets.UTF_8),
        Map.of("repo/x86_64/big.apk", shipped.digest())));
    int before = link.assigns().size();
    // One arch built, the other still running when the coordinator dies.
    WorkerCommand.Assign first = link.assigns().get(before - 2);
    BuildResult r = engine.build(first.task(), "w1");
    worker.report(new TaskReport.Completed(first.task().id(), first.task().attempt(), r, Map.of(), 0, 0));
    JobRecord finished = submit(new ImageSource("c", "c.yaml", "archs: amd64\nfinished\n".getBytes(
        StandardCharsets.UTF_8), Map.of("inc.yaml", other.digest())));
    buildAssigned(link.assigns().size() - 1);
    assertThat(scheduler.job(finished.id()).get().job().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(scheduler.job(live.id()).get().job().status().terminal()).isFalse();

    start(); // restarted on the same state and data dir
    clock.advance(GRACE.plusMinutes(1));
    BlobReferences refs = scheduler.blobReferences();
    collector.sweep(refs.blobs(), Set.of());

    assertThat(blobs.has(shipped.digest())).as("a live job's input").isTrue();
    assertThat(r.imageBlobs()).allMatch(b -> blobs.has(b.digest()));
    assertThat(blobs.has(other.digest())).as("a finished job's input: nothing builds from it again").isFalse();
    assertThat(refs.liveInputs()).containsExactly(Map.of("repo/x86_64/big.apk", shipped.digest()));
    assertThat(refs.resultKeys()).containsAll(state.tasksOf(finished.id()).stream().map(TaskRecord::buildKey)
        .toList());
  }
}
