package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.client.cli.ApkoClientCommand;
import dev.apkofarm.client.cli.CliRun;
import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.GetJobRequest;
import dev.apkofarm.proto.v1.ImageState;
import dev.apkofarm.proto.v1.ImageStatus;
import dev.apkofarm.proto.v1.Job;
import dev.apkofarm.proto.v1.JobEvent;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import dev.apkofarm.core.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's drill (issue 18): 240 images (the six examples, 40 times each with a distinct vcs-url, shipped
 * from the client's local repository) submitted with {@code --detach} to a coordinator and two workers, real
 * processes on loopback with the real engine; the coordinator is killed with SIGKILL mid-job and started again with
 * its original command line. Every image must succeed with the index digest the embedded farm gives for the same
 * configs. The kills happen after a share of the tasks is done (an event the test sees), never after a time.
 */
class FarmRestartIT {
  private static final int COPIES = 40;
  private static final Duration JOB = Duration.ofMinutes(10);
  private static final Pattern DIGEST_LINE = Pattern.compile("(?m)^(\\S+) (sha256:[0-9a-f]{64})$");

  @TempDir Path tmp;
  private FarmProcesses farm;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    ExampleTree.copy(tmp);
    farm = new FarmProcesses(tmp.resolve("logs"), FarmProcesses.Mains.REAL);
    Files.createDirectories(tmp.resolve("logs"));
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    farm.close();
  }

  /** The examples, {@value #COPIES} times each, made distinct (and so distinct builds) by their vcs-url. */
  private Path drill(String run) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("drill-" + run));
    List<Path> examples;
    try (Stream<Path> s = Files.list(tmp.resolve("examples"))) {
      examples = s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(examples).hasSize(6);
    for (Path example : examples) {
      String name = example.getFileName().toString().replace(".yaml", "");
      String yaml = Files.readString(example);
      for (int i = 0; i < COPIES; i++) {
        Files.writeString(dir.resolve(name + "-" + i + ".yaml"),
            yaml + "\nvcs-url: https://example.test/" + run + "/" + name + "/" + i + "\n");
      }
    }
    return dir;
  }

  private CliRun cli(String... args) {
    return CliRun.of(ApkoClientCommand::newCommandLine, args);
  }

  /** What an uninterrupted run gives: the embedded farm's index digest of every image. */
  private Map<String, String> reference(Path configs) {
    CliRun r = cli("-C", tmp.toString(), "submit", tmp.relativize(configs).toString());
    assertThat(r.exit()).as(r.err()).isZero();
    Map<String, String> out = new TreeMap<>();
    Matcher m = DIGEST_LINE.matcher(r.out());
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    assertThat(out).hasSize(6 * COPIES);
    return out;
  }

  private String submitDetached(FarmProcesses.Daemon coordinator, Path configs) {
    CliRun r = cli("-C", tmp.toString(), "submit", tmp.relativize(configs).toString(), "--coordinator",
        coordinator.target(), "--detach");
    assertThat(r.exit()).as(r.err()).isZero();
    return r.out().trim();
  }

  /** Follows the job (re-attaching across restarts), counting finished tasks; completes with the last event. */
  private CompletableFuture<JobEvent> follow(FarmProcesses.Daemon coordinator, String jobId, AtomicInteger tasksDone) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    return CompletableFuture.supplyAsync(() -> new JobFollower(channel, JOB).follow(jobId, 1, e -> {
      if (e.hasTaskDone()) {
        tasksDone.incrementAndGet();
      }
    }));
  }

  private Map<String, String> indexes(String jobId) {
    Job job = BuildServiceGrpc.newBlockingStub(channel).getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
    Map<String, String> out = new TreeMap<>();
    for (ImageStatus i : job.getImagesList()) {
      assertThat(i.getState()).as(i.getName() + ": " + i.getFailure()).isEqualTo(ImageState.IMAGE_SUCCEEDED);
      out.put(i.getName(), i.getIndex().getDigest());
    }
    return out;
  }

  private void awaitTasks(AtomicInteger done, int atLeast, CompletableFuture<JobEvent> end) {
    Await.until(JOB, atLeast + " tasks to be done", () -> {
      if (end.isDone()) {
        throw new AssertionError("the job ended before " + atLeast + " tasks were done: " + end.join());
      }
      return done.get() >= atLeast;
    });
  }

  private JobEvent awaitEnd(CompletableFuture<JobEvent> end) throws Exception {
    JobEvent last = end.get(JOB.toSeconds(), TimeUnit.SECONDS);
    assertThat(last.hasJobDone()).as(last + "\n" + farm.logs()).isTrue();
    return last;
  }

  @Test
  void aCoordinatorKilledMidJobAndStartedAgainLosesNothing() throws Exception {
    Path configs = drill("once");
    Map<String, String> expected = reference(configs);
    FarmProcesses.Daemon coordinator = farm.coordinator();
    farm.worker(coordinator, "w-amd64", "amd64", 2);
    farm.worker(coordinator, "w-arm64", "arm64", 2);
    String jobId = submitDetached(coordinator, configs);
    AtomicInteger done = new AtomicInteger();
    CompletableFuture<JobEvent> end = follow(coordinator, jobId, done);

    awaitTasks(done, 48, end); // a tenth of the 480 tasks
    FarmProcesses.kill(coordinator);
    long restart = System.nanoTime();
    farm.restart(coordinator);
    awaitEnd(end);
    System.out.printf("drill: restart to job end %.1f s, tasks done before the kill %d of %d%n",
        (System.nanoTime() - restart) / 1e9, 48, 2 * 6 * COPIES);

    assertThat(indexes(jobId)).isEqualTo(expected);
  }

  @Test
  void aJobSurvivesTwoRestartsAndAWorkerKilledDuringTheFirst() throws Exception {
    Path configs = drill("twice");
    Map<String, String> expected = reference(configs);
    FarmProcesses.Daemon coordinator = farm.coordinator();
    FarmProcesses.Daemon doomed = farm.worker(coordinator, "w-doomed", "amd64", 2);
    farm.worker(coordinator, "w-survivor", "arm64", 2);
    String jobId = submitDetached(coordinator, configs);
    AtomicInteger done = new AtomicInteger();
    CompletableFuture<JobEvent> end = follow(coordinator, jobId, done);

    awaitTasks(done, 48, end);
    FarmProcesses.kill(coordinator);
    FarmProcesses.kill(doomed); // while the coordinator is down: the surviving worker holds the state alone
    coordinator = farm.restart(coordinator);
    awaitTasks(done, 240, end);
    FarmProcesses.kill(coordinator);
    farm.restart(coordinator);
    awaitEnd(end);

    assertThat(indexes(jobId)).isEqualTo(expected);
  }
}
