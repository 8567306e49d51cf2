package dev.apkofarm.client.farm;

import dev.apkofarm.core.testing.Await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.CancelRequest;
import dev.apkofarm.proto.v1.GetClusterInfoRequest;
import dev.apkofarm.proto.v1.GetJobRequest;
import dev.apkofarm.proto.v1.ImageSource;
import dev.apkofarm.proto.v1.ImageState;
import dev.apkofarm.proto.v1.ImageStatus;
import dev.apkofarm.proto.v1.Job;
import dev.apkofarm.proto.v1.JobEvent;
import dev.apkofarm.proto.v1.JobState;
import dev.apkofarm.proto.v1.SubmitRequest;
import dev.apkofarm.proto.v1.TaskState;
import dev.apkofarm.proto.v1.WorkerServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm's acceptance with the real engine: a coordinator and worker JVMs on loopback (real gRPC, real Hazelcast)
 * building from a real signed repository served over HTTP. A killed worker's tasks are requeued and the job
 * completes; a second image fetches nothing from the repository; a poisoned cache entry is detected and refetched;
 * cancel stops running tasks within seconds.
 */
class FarmAcceptanceIT {
  @TempDir Path tmp;

  private FarmProcesses farm;
  private HttpRepository repo;
  private ManagedChannel channel;
  private HazelcastInstance probe;

  @BeforeEach
  void start() throws Exception {
    Path examples = ExampleTree.copy(tmp);
    repo = new HttpRepository(examples.resolve("repository"));
    farm = new FarmProcesses(tmp, FarmProcesses.Mains.REAL);
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (probe != null) {
      probe.shutdown();
    }
    farm.close();
    repo.close();
  }

  /** A config of the example packages from the HTTP repository; {@code id} makes each image (and build key) unique. */
  private ImageSource image(String name, String id, String... packages) {
    String yaml = "contents:\n"
        + "  keyring: [" + repo.url() + "/apko-farm-example.rsa.pub]\n"
        + "  repositories: [" + repo.url() + "]\n"
        + "  packages: [" + String.join(", ", packages) + "]\n"
        + "environment:\n  IMAGE_ID: \"" + id + "\"\n"
        + "entrypoint:\n  command: /usr/bin/hello\n"
        + "archs: [amd64, arm64]\n";
    return ImageSource.newBuilder().setName(name).setFileName(name + ".yaml")
        .setConfigYaml(ByteString.copyFrom(yaml, StandardCharsets.UTF_8)).build();
  }

  private BuildServiceGrpc.BuildServiceBlockingStub connect(FarmProcesses.Daemon coordinator) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    return BuildServiceGrpc.newBlockingStub(channel);
  }

  private CompletableFuture<JobEvent> follow(String jobId, BlockingQueue<JobEvent> into) {
    return CompletableFuture.supplyAsync(
        () -> new JobFollower(channel, Duration.ofSeconds(30)).follow(jobId, 1, into::add));
  }

  private static void await(BlockingQueue<JobEvent> events, String what, Predicate<JobEvent> p) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < end) {
      JobEvent e = events.poll(1, TimeUnit.SECONDS);
      if (e != null && p.test(e)) {
        return;
      }
    }
    throw new AssertionError("no event: " + what);
  }

  private List<String> platforms(ImageStatus image) throws Exception {
    ByteArrayOutputStream index = new ByteArrayOutputStream();
    new BlobTransfer(channel).download(image.getIndex().getDigest(), index);
    JsonNode json = new ObjectMapper().readTree(index.toByteArray());
    List<String> out = new ArrayList<>();
    json.path("manifests").forEach(m -> out.add(m.path("platform").path("architecture").asText()));
    return out;
  }

  private Job run(BuildServiceGrpc.BuildServiceBlockingStub stub, ImageSource... images) throws Exception {
    Job job = stub.submit(SubmitRequest.newBuilder().addAllImages(List.of(images)).build());
    JobEvent last = new JobFollower(channel, Duration.ofSeconds(30)).follow(job.getId(), 1, e -> { });
    assertThat(last.hasJobDone()).as(last.toString() + "\n" + farm.logs()).isTrue();
    return stub.getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
  }

  @Test
  void aKilledWorkersTasksAreRequeuedAndLaterImagesComeFromTheCache() throws Exception {
    FarmProcesses.Daemon coordinator = farm.coordinator("--lease", "10s", "--heartbeat", "1s");
    FarmProcesses.Daemon doomed = farm.worker(coordinator, "w-doomed", "amd64", 2);
    farm.worker(coordinator, "w-survivor", "arm64", 2);
    var stub = connect(coordinator);
    List<ImageSource> six = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      six.add(image("img" + i, "first-" + i, "example-hello", "example-web"));
    }

    repo.close(true); // package downloads wait: every running task is mid-fetch
    Job job = stub.submit(SubmitRequest.newBuilder().addAllImages(six).build());
    BlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
    CompletableFuture<JobEvent> end = follow(job.getId(), events);
    await(events, "a task claimed by w-doomed",
        e -> e.hasTaskClaimed() && e.getTaskClaimed().getWorker().equals("w-doomed"));
    Await.until(Duration.ofSeconds(60), "package downloads held at the repository", () -> repo.waiting() > 0);
    doomed.process().destroyForcibly(); // SIGKILL mid-task
    assertThat(doomed.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    repo.open();

    assertThat(end.get(3, TimeUnit.MINUTES).hasJobDone()).as(farm.logs()).isTrue();
    Job done = stub.getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
    assertThat(done.getState()).isEqualTo(JobState.JOB_SUCCEEDED);
    for (ImageStatus i : done.getImagesList()) {
      assertThat(i.getState()).isEqualTo(ImageState.IMAGE_SUCCEEDED);
      assertThat(platforms(i)).as(i.getName()).containsExactly("amd64", "arm64");
    }
    List<JobEvent> all = new JobEventsReplay(channel).all(job.getId());
    assertThat(all).filteredOn(JobEvent::hasTaskRequeued).isNotEmpty().allSatisfy(e -> {
      assertThat(e.getTaskRequeued().getReason()).contains("w-doomed");
      assertThat(e.getTaskRequeued().getAttempt()).isEqualTo(2);
    });

    // A second image of the same packages: every package from a cache, none from the repository.
    int downloads = repo.packageDownloads();
    double fromCache = coordinator.metric("apkofarm_packages_total{source=\"cache\"}");
    double fromRepository = coordinator.metric("apkofarm_packages_total{source=\"repository\"}");
    Job second = run(stub, image("again", "second", "example-hello", "example-web"));

    assertThat(second.getState()).isEqualTo(JobState.JOB_SUCCEEDED);
    assertThat(repo.packageDownloads()).isEqualTo(downloads);
    assertThat(coordinator.metric("apkofarm_packages_total{source=\"repository\"}")).isEqualTo(fromRepository);
    // example-hello, example-web, example-baselayout on each of the two archs
    assertThat(coordinator.metric("apkofarm_packages_total{source=\"cache\"}")).isEqualTo(fromCache + 6);
  }

  @Test
  void aPoisonedCacheEntryIsDetectedAndRefetchedAndTheImageIsStillCorrect() throws Exception {
    FarmProcesses.Daemon coordinator = farm.coordinator();
    FarmProcesses.Daemon first = farm.worker(coordinator, "w-first", "amd64", 2);
    var stub = connect(coordinator);
    run(stub, image("seed", "seed", "example-hello"));
    int downloads = repo.packageDownloads();
    assertThat(downloads).isPositive();

    // Join the farm's cluster as a member and change the bytes of every cached package.
    var info = WorkerServiceGrpc.newBlockingStub(channel).getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
    probe = Members.start(MemberSettings.loopback(info.getClusterName(), info.getMembersList()));
    IMap<String, byte[]> chunks = probe.getMap(Members.CACHE_CHUNKS);
    int poisoned = 0;
    for (String key : chunks.keySet()) {
      byte[] b = chunks.get(key);
      b[b.length / 2] ^= 0x5a;
      chunks.set(key, b);
      poisoned++;
    }
    assertThat(poisoned).isPositive();
    // A worker with an empty disk must go to the shared cache.
    first.process().destroy();
    assertThat(first.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    FarmProcesses.Daemon fresh = farm.worker(coordinator, "w-fresh", "amd64", 2);

    Job job = run(stub, image("after-poison", "after", "example-hello"));

    assertThat(job.getState()).isEqualTo(JobState.JOB_SUCCEEDED);
    assertThat(fresh.metric("apkofarm_cache_removals_total")).isPositive();
    assertThat(repo.packageDownloads()).isGreaterThan(downloads);
    // Still the right image: the same bytes as a local build of the same config.
    Path config = tmp.resolve("after-poison.yaml");
    Files.write(config, image("after-poison", "after", "example-hello").getConfigYaml().toByteArray());
    Path built = Files.createDirectories(tmp.resolve("built"));
    Process build = new ProcessBuilder(ExampleTree.PROJECT.resolve("bin/apko-client").toString(), "-C",
        tmp.toString(), "build", "after-poison.yaml", "after-poison:latest", built.toString(),
        "--cache-dir", tmp.resolve("local-cache").toString(), "--no-sbom").redirectErrorStream(true).start();
    String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(build.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(build.exitValue()).as(out).isZero();
    byte[] index = Files.readAllBytes(built.resolve("index.json"));
    assertThat(job.getImages(0).getIndex().getDigest()).isEqualTo(dev.apkofarm.core.oci.Digest.of(index).toString());
  }

  @Test
  void cancelStopsTheRunningTasksOnTheWorkerWithinSeconds() throws Exception {
    FarmProcesses.Daemon coordinator = farm.coordinator();
    FarmProcesses.Daemon worker = farm.worker(coordinator, "w1", "amd64", 2);
    var stub = connect(coordinator);
    repo.close(true);
    Job job = stub.submit(SubmitRequest.newBuilder().addImages(image("slow", "slow", "example-hello")).build());
    Await.until(Duration.ofSeconds(120), "both archs running on w1",
        () -> worker.metric("apkofarm_worker_tasks_running") == 2 && repo.waiting() > 0);

    long cancelledAt = System.nanoTime();
    Job cancelled = stub.cancel(CancelRequest.newBuilder().setJobId(job.getId()).setReason("test").build());

    assertThat(cancelled.getState()).isEqualTo(JobState.JOB_CANCELLED);
    assertThat(cancelled.getImages(0).getTasksList()).allMatch(t -> t.getState() == TaskState.TASK_CANCELLED);
    Await.until(cancelledAt, Await.CANCEL_STOPS_TASKS_WITHIN,
        "w1 to stop both tasks (the repository still holds their downloads)",
        () -> worker.metric("apkofarm_worker_tasks_running") == 0);
    assertThat(FarmProcesses.log(worker)).contains("cancelled");
  }
}
