package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.apkofarm.coordinator.engine.CoordinatorEngine;
import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.CancelRequest;
import dev.apkofarm.proto.v1.GetJobRequest;
import dev.apkofarm.proto.v1.ImageSource;
import dev.apkofarm.proto.v1.ImageState;
import dev.apkofarm.proto.v1.Job;
import dev.apkofarm.proto.v1.JobEvent;
import dev.apkofarm.proto.v1.JobState;
import dev.apkofarm.proto.v1.SubmitRequest;
import dev.apkofarm.proto.v1.TaskState;
import dev.apkofarm.worker.pipeline.TaskExecutor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm's machinery with real processes on loopback (a coordinator and worker JVMs, real gRPC, real Hazelcast):
 * a killed worker's tasks are requeued, cancel reaches running tasks, daemons stop cleanly on SIGTERM. The build
 * itself is a stand-in here (it sleeps where told to), so timing is under the test's control.
 */
class FarmProcessesIT {
  @TempDir Path tmp;

  private FarmProcesses farm;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    farm = new FarmProcesses(tmp, Map.of(
        CoordinatorEngine.PROPERTY, FakeEngines.Coordinator.class.getName(),
        TaskExecutor.PROPERTY, FakeEngines.Worker.class.getName()));
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    farm.close();
  }

  private BuildServiceGrpc.BuildServiceBlockingStub connect(FarmProcesses.Daemon coordinator) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    return BuildServiceGrpc.newBlockingStub(channel);
  }

  private static SubmitRequest job(int images, String extra) {
    SubmitRequest.Builder b = SubmitRequest.newBuilder();
    for (int i = 0; i < images; i++) {
      b.addImages(ImageSource.newBuilder().setName("img" + i).setFileName("img" + i + ".yaml")
          .setConfigYaml(ByteString.copyFrom("archs: amd64,arm64\n" + extra + "\nimage " + i + "\n",
              StandardCharsets.UTF_8)));
    }
    return b.build();
  }

  /** Follows a job's events on a background thread into a queue. */
  private CompletableFuture<JobEvent> follow(String jobId, BlockingQueue<JobEvent> into) {
    return CompletableFuture.supplyAsync(() -> new JobFollower(channel, Duration.ofSeconds(30)).follow(jobId, 1, into::add));
  }

  private static JobEvent next(BlockingQueue<JobEvent> events, String what, java.util.function.Predicate<JobEvent> p)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      JobEvent e = events.poll(1, TimeUnit.SECONDS);
      if (e != null && p.test(e)) {
        return e;
      }
    }
    throw new AssertionError("no event: " + what);
  }

  @Test
  void aKilledWorkersTasksAreRequeuedAndTheJobCompletes() throws Exception {
    FarmProcesses.Daemon coordinator = farm.coordinator("--lease", "3s", "--heartbeat", "1s");
    FarmProcesses.Daemon doomed = farm.worker(coordinator, "w-doomed", "amd64", 2);
    farm.worker(coordinator, "w-survivor", "arm64", 2);
    var stub = connect(coordinator);

    Job job = stub.submit(job(6, "delay: 1500"));
    BlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
    CompletableFuture<JobEvent> end = follow(job.getId(), events);
    next(events, "a task claimed by w-doomed",
        e -> e.hasTaskClaimed() && e.getTaskClaimed().getWorker().equals("w-doomed"));
    doomed.process().destroyForcibly(); // SIGKILL: no goodbye, no drain

    JobEvent last = end.get(120, TimeUnit.SECONDS);

    assertThat(last.hasJobDone()).as(farm.logs()).isTrue();
    Job done = stub.getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
    assertThat(done.getState()).isEqualTo(JobState.JOB_SUCCEEDED);
    assertThat(done.getImagesList()).hasSize(6).allSatisfy(i -> {
      assertThat(i.getState()).isEqualTo(ImageState.IMAGE_SUCCEEDED);
      assertThat(i.getTasksList()).extracting(t -> t.getArch()).containsExactly("amd64", "arm64");
    });
    List<JobEvent> all = new JobEventsReplay(channel).all(job.getId());
    assertThat(all).anySatisfy(e -> {
      assertThat(e.hasTaskRequeued()).isTrue();
      assertThat(e.getTaskRequeued().getReason()).contains("w-doomed");
      assertThat(e.getTaskRequeued().getAttempt()).isEqualTo(2);
    });
    assertThat(all).filteredOn(JobEvent::hasTaskDone)
        .allSatisfy(e -> assertThat(e.getTaskDone().getWorker()).isEqualTo("w-survivor"))
        .hasSizeGreaterThanOrEqualTo(1);
  }

  @Test
  void cancelStopsRunningTasksOnTheWorkerWithinSeconds() throws Exception {
    FarmProcesses.Daemon coordinator = farm.coordinator();
    FarmProcesses.Daemon worker = farm.worker(coordinator, "w1", "amd64", 2);
    var stub = connect(coordinator);
    Job job = stub.submit(job(1, "delay: 600000"));
    BlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
    CompletableFuture<JobEvent> end = follow(job.getId(), events);
    next(events, "both tasks claimed", e -> e.hasTaskClaimed() && e.getTaskClaimed().getArch().equals("arm64"));
    Await.until(Duration.ofSeconds(10), "the worker running 2 tasks",
        () -> worker.metric("apkofarm_worker_tasks_running") == 2);

    Job cancelled = stub.cancel(CancelRequest.newBuilder().setJobId(job.getId()).setReason("test").build());

    assertThat(cancelled.getState()).isEqualTo(JobState.JOB_CANCELLED);
    assertThat(cancelled.getImages(0).getTasksList()).allMatch(t -> t.getState() == TaskState.TASK_CANCELLED);
    Await.until(Duration.ofSeconds(5), "the worker to stop both tasks",
        () -> worker.metric("apkofarm_worker_tasks_running") == 0);
    assertThat(end.get(10, TimeUnit.SECONDS).getJobFailed().getReason()).contains("cancelled: test");
  }

  @Test
  void daemonsStopCleanlyOnSigterm() throws Exception {
    FarmProcesses.Daemon coordinator = farm.coordinator();
    FarmProcesses.Daemon worker = farm.worker(coordinator, "w1", "amd64", 1);

    worker.process().destroy(); // SIGTERM
    assertThat(worker.process().waitFor(20, TimeUnit.SECONDS)).as(FarmProcesses.log(worker)).isTrue();
    coordinator.process().destroy();
    assertThat(coordinator.process().waitFor(20, TimeUnit.SECONDS)).as(FarmProcesses.log(coordinator)).isTrue();

    assertThat(worker.process().exitValue()).isZero();
    assertThat(coordinator.process().exitValue()).isZero();
    assertThat(FarmProcesses.log(worker)).contains("worker w1 stopped");
    assertThat(FarmProcesses.log(coordinator)).contains("worker w1 connected").contains("coordinator stopped");
  }

  @Test
  void withATokenTheCoordinatorRefusesCallsWithoutIt() throws Exception {
    Path token = tmp.resolve("token");
    java.nio.file.Files.writeString(token, "s3cret-token\n");
    FarmProcesses.Daemon coordinator = farm.coordinator("--token-file", token.toString());
    var stub = connect(coordinator);

    assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
        () -> stub.submit(job(1, ""))).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(FarmProcesses.log(coordinator)).doesNotContain("s3cret-token");
  }
}
