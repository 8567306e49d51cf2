package dev.apkofarm.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.Stage;
import dev.apkofarm.coordinator.scheduler.ImageLock;
import dev.apkofarm.coordinator.scheduler.IndexStep;
import dev.apkofarm.coordinator.scheduler.JobRequest;
import dev.apkofarm.coordinator.scheduler.LockStep;
import dev.apkofarm.coordinator.scheduler.Scheduler;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.coordinator.scheduler.SchedulerMetrics;
import dev.apkofarm.coordinator.scheduler.TaskReport;
import dev.apkofarm.coordinator.state.InMemoryClusterState;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.proto.v1.BuildOptions;
import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.BuiltArch;
import dev.apkofarm.proto.v1.Descriptor;
import dev.apkofarm.proto.v1.FileEntry;
import dev.apkofarm.proto.v1.FileRef;
import dev.apkofarm.proto.v1.Int64Entry;
import dev.apkofarm.proto.v1.Output;
import dev.apkofarm.proto.v1.ReturnArtefacts;
import dev.apkofarm.proto.v1.StringEntry;
import dev.apkofarm.proto.v1.SubmitRequest;
import dev.apkofarm.proto.v1.TaskRef;
import dev.apkofarm.proto.v1.TaskResult;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protos' maps arrive as entry lists (see common.proto); the coordinator reads them into maps where they enter and
 * refuses a key given twice: a submission with INVALID_ARGUMENT naming the field and the key (a map field kept the
 * last one silently), a worker's result as malformed.
 */
class MapEntriesInTest {
  private static final String MANIFEST = "sha256:" + "a".repeat(64);
  private static final String CONFIG = "sha256:" + "b".repeat(64);

  @TempDir Path tmp;

  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void aSubmissionsMapsAreReadSorted() {
    SubmitRequest r = request(List.of(file("repo/APKINDEX.tar.gz", "sha256:bb"), file("keys/a.pub", "sha256:aa")),
        List.of(annotation("z", "1"), annotation("a", "2")));
    JobRequest job = ProtoMapper.jobRequest(r);
    assertThat(job.images().get(0).files())
        .isEqualTo(Map.of("keys/a.pub", "sha256:aa", "repo/APKINDEX.tar.gz", "sha256:bb"));
    assertThat(job.settings().annotations()).containsExactly(Map.entry("a", "2"), Map.entry("z", "1"));
  }

  @Test
  void aSubmissionWithAnAnnotationTwiceIsInvalidAndQueuesNothing() throws Exception {
    Scheduler scheduler = serve();
    SubmitRequest r = request(List.of(), List.of(annotation("a", "1"), annotation("b", "2"), annotation("a", "3")));
    assertThatThrownBy(() -> BuildServiceGrpc.newBlockingStub(channel).submit(r))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("options.annotations: key \"a\" given twice");
        });
    assertThat(scheduler.jobs(true).get()).isEmpty();
  }

  @Test
  void aSubmissionWithAFileTwiceIsInvalidAndQueuesNothing() throws Exception {
    Scheduler scheduler = serve();
    SubmitRequest r = request(List.of(file("keys/a.pub", "sha256:aa"), file("keys/a.pub", "sha256:ee")), List.of());
    assertThatThrownBy(() -> BuildServiceGrpc.newBlockingStub(channel).submit(r))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription())
              .isEqualTo("images[0] (\"img\").files: key \"keys/a.pub\" given twice");
        });
    assertThat(scheduler.jobs(true).get()).isEmpty();
  }

  @Test
  void aWellFormedSubmissionStillGoesThrough() throws Exception {
    Scheduler scheduler = serve();
    SubmitRequest r = request(List.of(file("keys/a.pub", "sha256:aa")), List.of(annotation("a", "1")));
    String id = BuildServiceGrpc.newBlockingStub(channel).submit(r).getId();
    JobRecord job = scheduler.job(id).get().job();
    assertThat(job.settings().annotations()).containsExactly(Map.entry("a", "1"));
  }

  @Test
  void aWorkersResultIsReadWithItsStageTimes() {
    TaskReport.Completed c = ProtoMapper.completed(result(List.of(nanos("install", 7), nanos("fetch", 5),
        nanos("future-stage", 1))), "w1");
    // A stage this coordinator does not know is skipped; TaskReport keeps the rest in no particular order.
    assertThat(c.stageNanos()).isEqualTo(Map.of(Stage.FETCH, 5L, Stage.INSTALL, 7L));
  }

  @Test
  void aWorkersResultWithAStageTwiceIsMalformed() {
    TaskResult r = result(List.of(nanos("fetch", 5), nanos("fetch", 6)));
    assertThatThrownBy(() -> ProtoMapper.completed(r, "w1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stage_nanos: key \"fetch\" given twice");
  }

  @Test
  void aWorkersDescriptorWithAnAnnotationTwiceIsMalformed() {
    TaskResult good = result(List.of());
    Descriptor twice = good.getBuilt().getManifest().toBuilder()
        .addAnnotations(annotation("x", "1")).addAnnotations(annotation("x", "1")).build();
    TaskResult r = good.toBuilder().setBuilt(good.getBuilt().toBuilder().setManifest(twice)).build();
    assertThatThrownBy(() -> ProtoMapper.completed(r, "w1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("annotations: key \"x\" given twice");
  }

  // ------------------------------------------------------------ fixtures

  /** A scheduler behind the real build service on an in-process transport; its engine validates everything. */
  private Scheduler serve() throws Exception {
    String name = "map-entries-" + UUID.randomUUID();
    Scheduler scheduler = new Scheduler(new InMemoryClusterState(), new Engine(), new Engine(),
        new DiskBlobStore(tmp.resolve("blobs")), Clock.systemUTC(), Runnable::run, Runnable::run,
        new SchedulerConfig(Duration.ofSeconds(15), Duration.ofSeconds(5), 3, 100), SchedulerMetrics.NONE);
    server = InProcessServerBuilder.forName(name).directExecutor().addService(new BuildServiceImpl(scheduler)).build()
        .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return scheduler;
  }

  /** Accepts every config and leaves locking to fail: these tests are about what reaches the scheduler. */
  private static final class Engine implements LockStep, IndexStep {
    @Override
    public void validate(ImageSource source) {}

    @Override
    public ImageLock lock(ImageSource source, List<Arch> archOverride, BuildSettings settings)
        throws BadInputException {
      throw new BadInputException("not locked in this test");
    }

    @Override
    public BlobRef assemble(String image, List<BuildResult> perArch, byte[] lockedArch, BuildSettings settings) {
      throw new AssertionError("nothing is built in this test");
    }
  }

  private static SubmitRequest request(List<FileEntry> files, List<StringEntry> annotations) {
    return SubmitRequest.newBuilder()
        .addImages(dev.apkofarm.proto.v1.ImageSource.newBuilder().setName("img").setFileName("img.yaml")
            .setConfigYaml(ByteString.copyFromUtf8("contents: {}\n")).addAllFiles(files))
        .setOptions(BuildOptions.newBuilder().addAllAnnotations(annotations))
        .setOutput(Output.newBuilder().setReturnArtefacts(ReturnArtefacts.getDefaultInstance()))
        .build();
  }

  private static TaskResult result(List<Int64Entry> stageNanos) {
    return TaskResult.newBuilder().setTask(TaskRef.newBuilder().setTaskId("t1").setAttempt(1))
        .setBuilt(BuiltArch.newBuilder().setArch("amd64")
            .setManifest(Descriptor.newBuilder().setMediaType("application/vnd.oci.image.manifest.v1+json")
                .setDigest(MANIFEST).setSize(10))
            .setConfig(Descriptor.newBuilder().setMediaType("application/vnd.oci.image.config.v1+json")
                .setDigest(CONFIG).setSize(20)))
        .addAllStageNanos(stageNanos).build();
  }

  private static FileEntry file(String path, String digest) {
    return FileEntry.newBuilder().setKey(path).setValue(FileRef.newBuilder().setDigest(digest).setSize(1)).build();
  }

  private static StringEntry annotation(String k, String v) {
    return StringEntry.newBuilder().setKey(k).setValue(v).build();
  }

  private static Int64Entry nanos(String stage, long n) {
    return Int64Entry.newBuilder().setKey(stage).setValue(n).build();
  }
}
