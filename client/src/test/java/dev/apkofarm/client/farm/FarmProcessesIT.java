package dev.apkofarm.client.farm;

import dev.apkofarm.core.testing.Await;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.CancelRequest;
import dev.apkofarm.proto.v1.ClusterInfo;
import dev.apkofarm.proto.v1.GetClusterInfoRequest;
import dev.apkofarm.proto.v1.GetJobRequest;
import dev.apkofarm.proto.v1.ImageSource;
import dev.apkofarm.proto.v1.ImageState;
import dev.apkofarm.proto.v1.Job;
import dev.apkofarm.proto.v1.JobEvent;
import dev.apkofarm.proto.v1.JobState;
import dev.apkofarm.proto.v1.SubmitRequest;
import dev.apkofarm.proto.v1.TaskState;
import dev.apkofarm.proto.v1.WorkerServiceGrpc;
import dev.apkofarm.worker.testing.FakeEngines;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * itself is a stand-in here (held until the test releases it, see {@link FakeEngines}), so no outcome depends on
 * how fast the machine is.
 */
class FarmProcessesIT {
  @TempDir Path tmp;

  private FarmProcesses farm;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    farm = new FarmProcesses(tmp, FarmProcesses.Mains.FAKE);
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
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
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
    FarmProcesses.Daemon coordinator = farm.coordinator("--lease", "10s", "--heartbeat", "1s");
    FarmProcesses.Daemon doomed = farm.worker(coordinator, "w-doomed", "amd64", 2);
    farm.worker(coordinator, "w-survivor", "arm64", 2);
    var stub = connect(coordinator);

    Path release = tmp.resolve("release");
    Job job = stub.submit(job(6, FakeEngines.HOLD_UNTIL + release));
    BlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
    CompletableFuture<JobEvent> end = follow(job.getId(), events);
    next(events, "a task claimed by w-doomed",
        e -> e.hasTaskClaimed() && e.getTaskClaimed().getWorker().equals("w-doomed"));
    doomed.process().destroyForcibly(); // SIGKILL: no goodbye, no drain
    assertThat(doomed.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    Files.createFile(release); // builds finish from now on: w-doomed, gone, finished none

    JobEvent last = end.get(180, TimeUnit.SECONDS);

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
    Job job = stub.submit(job(1, FakeEngines.HOLD_UNTIL + tmp.resolve("never-created")));
    BlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
    CompletableFuture<JobEvent> end = follow(job.getId(), events);
    next(events, "both tasks claimed", e -> e.hasTaskClaimed() && e.getTaskClaimed().getArch().equals("arm64"));
    Await.until(Duration.ofSeconds(60), "the worker running 2 tasks",
        () -> worker.metric("apkofarm_worker_tasks_running") == 2);

    long cancelledAt = System.nanoTime();
    Job cancelled = stub.cancel(CancelRequest.newBuilder().setJobId(job.getId()).setReason("test").build());

    assertThat(cancelled.getState()).isEqualTo(JobState.JOB_CANCELLED);
    assertThat(cancelled.getImages(0).getTasksList()).allMatch(t -> t.getState() == TaskState.TASK_CANCELLED);
    Await.until(cancelledAt, Await.CANCEL_STOPS_TASKS_WITHIN, "the worker to stop both tasks",
        () -> worker.metric("apkofarm_worker_tasks_running") == 0);
    assertThat(end.get(60, TimeUnit.SECONDS).getJobFailed().getReason()).contains("cancelled: test");
  }

  @Test
  void daemonsStopCleanlyOnSigterm() throws Exception {
    FarmProcesses.Daemon coordinator = farm.coordinator();
    FarmProcesses.Daemon worker = farm.worker(coordinator, "w1", "amd64", 1);

    worker.process().destroy(); // SIGTERM
    assertThat(worker.process().waitFor(60, TimeUnit.SECONDS)).as(FarmProcesses.log(worker)).isTrue();
    coordinator.process().destroy();
    assertThat(coordinator.process().waitFor(60, TimeUnit.SECONDS)).as(FarmProcesses.log(coordinator)).isTrue();

    assertThat(worker.process().exitValue()).isZero();
    assertThat(coordinator.process().exitValue()).isZero();
    assertThat(FarmProcesses.log(worker)).contains("worker w1 stopped");
    assertThat(worker.readyFile()).as("a stopped daemon's ready file").doesNotExist();
    assertThat(coordinator.readyFile()).as("a stopped daemon's ready file").doesNotExist();
    assertThat(FarmProcesses.log(coordinator)).contains("worker w1 connected").contains("coordinator stopped");
  }

  @Test
  void readyFilesNameThePortsTheDaemonsBound() throws Exception {
    FarmProcesses.Daemon coordinator = farm.coordinator();
    FarmProcesses.Daemon worker = farm.worker(coordinator, "w1", "amd64", 1);
    connect(coordinator);

    ClusterInfo info = WorkerServiceGrpc.newBlockingStub(channel)
        .getClusterInfo(GetClusterInfoRequest.getDefaultInstance());

    assertThat(info.getMembersList())
        .contains("127.0.0.1:" + coordinator.hazelcastPort(), "127.0.0.1:" + worker.hazelcastPort());
    assertThat(coordinator.metrics()).contains("apkofarm_queue_length");
    assertThat(worker.metrics()).contains("apkofarm_worker_tasks_running");
    assertThat(FarmProcesses.log(coordinator)).contains("apko-coordinator ready, ports: {\"grpc\":" + coordinator.port());
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
