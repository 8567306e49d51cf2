package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.core.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageStatus;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.JobStatus;
import dev.apkofarm.coordinator.model.TaskStatus;
import dev.apkofarm.coordinator.state.InMemoryClusterState;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.MediaType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code submit --push} in the scheduler: unchanged images, results whose layers are in the registry, publish. */
class PushTest {
  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock();
  private final InMemoryClusterState state = new InMemoryClusterState();
  private FakeEngine engine;
  private DiskBlobStore blobs;
  private Scheduler scheduler;
  private RecordingLink link;
  private WorkerHandle worker;

  @BeforeEach
  void setUp() throws Exception {
    blobs = new DiskBlobStore(tmp.resolve("blobs"));
    engine = new FakeEngine(blobs);
    scheduler = new Scheduler(state, engine, engine, blobs, clock, Runnable::run, Runnable::run,
        new SchedulerConfig(Duration.ofSeconds(15), Duration.ofSeconds(5), 3, 100), SchedulerMetrics.NONE);
    link = new RecordingLink();
    worker = scheduler.connect(new WorkerInfo("w1", Arch.AMD64, 4, "e"), List.of(), link);
  }

  private static BuildSettings push(String tag) {
    return new BuildSettings(new TreeMap<>(), null, "127.0.0.1:5000/team", tag);
  }

  private JobRecord submit(BuildSettings settings, String name, String archs) throws Exception {
    return scheduler.submit(new JobRequest(List.of(FakeEngine.config(name, archs, "")), List.of(), settings, "t"))
        .get();
  }

  /** What a pushing worker reports: manifest (and SBOM) uploaded to the coordinator, config and layer pushed. */
  private BuildResult pushedResult(WorkerCommand.Assign a) {
    BlobRef manifest = engine.put(MediaType.OCI_MANIFEST, "manifest of " + a.task().id());
    BlobRef sbom = engine.put(MediaType.SPDX_JSON, "sbom of " + a.task().id());
    BlobRef config = BlobRef.of(MediaType.OCI_CONFIG, "sha256:" + "c".repeat(64), 100);
    BlobRef layer = BlobRef.of(MediaType.OCI_LAYER_GZIP, "sha256:" + "d".repeat(64), 1 << 20);
    return new BuildResult(a.task().arch().ociName(), manifest, config,
        List.of(new BuildResult.LayerRef(layer, layer.digest(), layer.size())), sbom, 0, 0, List.of(), "w1");
  }

  private List<JobEvent.Kind> events(String jobId) throws Exception {
    List<JobEvent.Kind> seen = new ArrayList<>();
    scheduler.watch(jobId, 1, new EventSink() {
      @Override
      public void onEvent(JobEvent event) {
        seen.add(event.kind());
      }

      @Override
      public void onEnd() {}
    }).get().close();
    return seen;
  }

  @Test
  void anImageTheRegistryHasForTheSameInputsIsUnchangedAndNotBuilt() throws Exception {
    BlobRef index = BlobRef.of(MediaType.OCI_INDEX, "sha256:" + "e".repeat(64), 900);
    engine.registry.put("app", index);

    JobRecord job = submit(push(null), "app", "amd64,arm64");

    assertThat(link.assigns()).isEmpty();
    assertThat(state.tasksOf(job.id())).isEmpty();
    JobRecord done = scheduler.job(job.id()).get().job();
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.images().get(0).index()).isEqualTo(index);
    assertThat(events(job.id())).containsSubsequence(
        new JobEvent.ImageUnchanged("app", "127.0.0.1:5000/team/app:latest", index),
        new JobEvent.ImageDone("app", index), new JobEvent.JobDone());
  }

  @Test
  void aPushedArchNeedsOnlyItsManifestAndSbomInTheStoreThenTheImageIsPublishedWithItsKey() throws Exception {
    JobRecord job = submit(push("v1"), "app", "amd64,arm64");
    assertThat(link.assigns()).hasSize(2).allSatisfy(a -> assertThat(a.settings().pushRepository("app"))
        .hasValueSatisfying(r -> assertThat(r.toString()).isEqualTo("127.0.0.1:5000/team/app")));

    for (WorkerCommand.Assign a : link.assigns()) {
      worker.report(new TaskReport.Completed(a.task().id(), 1, pushedResult(a), Map.of(), 0, 0));
    }

    JobRecord done = scheduler.job(job.id()).get().job();
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.images().get(0).blobs()).as("nothing to download: the layers are in the registry").isEmpty();
    assertThat(engine.published).singleElement().satisfies(p -> {
      assertThat(p.publishKey()).isEqualTo(done.images().get(0).publishKey()).startsWith("sha256:");
      assertThat(p.perArch()).extracting(r -> r.manifest().digest()).hasSize(2);
    });
    List<JobEvent.Kind> events = events(job.id());
    assertThat(events).filteredOn(JobEvent.TaskPushed.class::isInstance).hasSize(2)
        .allSatisfy(e -> assertThat(((JobEvent.TaskPushed) e).repository()).isEqualTo("127.0.0.1:5000/team/app"));
    BlobRef index = done.images().get(0).index();
    assertThat(events).containsSubsequence(
        new JobEvent.ImagePushed("app", "127.0.0.1:5000/team/app:v1", index, "fake push"),
        new JobEvent.ImageDone("app", index));
  }

  @Test
  void aPushedResultWhoseManifestTheCoordinatorLacksIsRetried() throws Exception {
    submit(push(null), "app", "amd64");
    WorkerCommand.Assign a = link.assigns().get(0);
    BuildResult r = pushedResult(a);
    BlobRef ghost = BlobRef.of(MediaType.OCI_MANIFEST, "sha256:" + "f".repeat(64), 10);

    worker.report(new TaskReport.Completed(a.task().id(), 1,
        new BuildResult(r.arch(), ghost, r.config(), r.layers(), r.sbom(), 0, 0, List.of(), "w1"), Map.of(), 0, 0));

    assertThat(link.assigns()).hasSize(2);
    assertThat(link.assigns().get(1).task().attempt()).isEqualTo(2);
  }

  @Test
  void aFailedPushFailsTheImageAndForgetsItsResultsSoTheNextPushRebuilds() throws Exception {
    engine.publishFailure = "registry 127.0.0.1:5000: 503 Service Unavailable";
    JobRecord job = submit(push(null), "app", "amd64");
    WorkerCommand.Assign a = link.assigns().get(0);
    worker.report(new TaskReport.Completed(a.task().id(), 1, pushedResult(a), Map.of(), 0, 0));

    JobRecord failed = scheduler.job(job.id()).get().job();
    assertThat(failed.images().get(0).status()).isEqualTo(ImageStatus.FAILED);
    assertThat(failed.images().get(0).failure()).contains("push failed", "503");
    assertThat(state.result(a.task().buildKey())).isEmpty();

    engine.publishFailure = null;
    submit(push(null), "app", "amd64");
    assertThat(link.assigns()).as("built again, not answered from the forgotten result").hasSize(2);
  }

  @Test
  void pushesOfOneRepositoryUnderTwoTagsShareOneBuildButNotOtherRepositoriesOrUnpushedBuilds() throws Exception {
    JobRecord first = submit(push("v1"), "app", "amd64");
    JobRecord second = submit(push("v2"), "app", "amd64");
    submit(new BuildSettings(new TreeMap<>(), null, "127.0.0.1:5000/other", null), "app", "amd64");
    submit(BuildSettings.defaults(), "app", "amd64");

    assertThat(state.tasksOf(second.id())).singleElement()
        .satisfies(t -> assertThat(t.status()).isEqualTo(TaskStatus.DEDUPLICATED));
    assertThat(link.assigns()).hasSize(3);
    assertThat(link.assigns().get(0).task().jobId()).isEqualTo(first.id());
  }
}
