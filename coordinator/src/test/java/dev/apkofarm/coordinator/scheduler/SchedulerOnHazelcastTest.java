package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.core.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.hazelcast.HazelcastClusterState;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.JobStatus;
import dev.apkofarm.coordinator.model.Stage;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.core.config.Arch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler over real Hazelcast members on loopback: compare-and-set claims and recovery after a restart. */
class SchedulerOnHazelcastTest {
  @TempDir Path tmp;

  private final List<HazelcastInstance> members = new ArrayList<>();
  private final String cluster = "state-test-" + UUID.randomUUID();
  private final MutableClock clock = new MutableClock();
  private final SchedulerConfig config = new SchedulerConfig(Duration.ofSeconds(15), Duration.ofSeconds(5), 3, 100);

  @AfterEach
  void stop() {
    members.forEach(HazelcastInstance::shutdown);
  }

  private HazelcastInstance member() {
    List<String> join = members.isEmpty() ? List.of() : List.of(Members.address(members.get(0)));
    HazelcastInstance m = Members.start(MemberSettings.loopback(cluster, join));
    members.add(m);
    return m;
  }

  @Test
  void aStaleTaskChangeLosesTheCompareAndSet() {
    HazelcastClusterState a = new HazelcastClusterState(member());
    HazelcastClusterState b = new HazelcastClusterState(member());
    TaskRecord t = TaskRecord.queued("j1", "img", Arch.AMD64, "key", new byte[] {1}, 1);
    a.createTask(t);

    assertThat(b.replaceTask(t.claimed("w1", 100))).isTrue();
    assertThat(a.replaceTask(t.claimed("w2", 100))).isFalse();
    assertThat(a.task(t.id()).orElseThrow().worker()).isEqualTo("w1");
  }

  @Test
  void aRestartedCoordinatorRecoversItsJobFromTheSurvivingMembers() throws Exception {
    HazelcastInstance coordinatorMember = member();
    HazelcastInstance workerMember = member();
    DiskBlobStore blobs = new DiskBlobStore(tmp.resolve("blobs"));
    FakeEngine engine = new FakeEngine(blobs);
    Scheduler first = new Scheduler(new HazelcastClusterState(coordinatorMember), engine, engine, blobs, clock,
        Runnable::run, Runnable::run, config, SchedulerMetrics.NONE);
    RecordingLink link = new RecordingLink();
    first.connect(new WorkerInfo("w1", Arch.AMD64, 1, "e"), List.of(), link);
    JobRecord job = first.submit(new JobRequest(
        List.of(FakeEngine.config("a", "amd64,arm64", "")), List.of(), BuildSettings.defaults(), "")).get();
    WorkerCommand.Assign held = link.assigns().get(0);

    coordinatorMember.getLifecycleService().terminate();
    members.remove(coordinatorMember);
    HazelcastInstance restarted = member();
    Scheduler second = new Scheduler(new HazelcastClusterState(restarted), engine, engine, blobs, clock,
        Runnable::run, Runnable::run, config, SchedulerMetrics.NONE);
    assertThat(second.recover().get()).isEqualTo(1);
    RecordingLink relink = new RecordingLink();
    WorkerHandle w = second.connect(new WorkerInfo("w1", Arch.AMD64, 1, "e"),
        List.of(new Scheduler.TaskRef(held.task().id(), 1)), relink);
    w.report(new TaskReport.Completed(held.task().id(), 1, engine.build(held.task(), "w1"), Map.of(Stage.LAYER, 1L), 0, 0));
    WorkerCommand.Assign next = relink.assigns().get(0);
    w.report(new TaskReport.Completed(next.task().id(), 1, engine.build(next.task(), "w1"), Map.of(), 0, 0));

    assertThat(second.job(job.id()).get().job().status()).isEqualTo(JobStatus.SUCCEEDED);
    List<JobEvent> events = new HazelcastClusterState(workerMember).events(job.id(), 1, 100);
    assertThat(events).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(workerMember.getCluster().getMembers()).hasSize(2);
  }

  @Test
  void anExpiredJobLeavesNoEntryInAnyStateMap() throws Exception {
    HazelcastInstance m = member();
    DiskBlobStore blobs = new DiskBlobStore(tmp.resolve("blobs"));
    FakeEngine engine = new FakeEngine(blobs);
    Scheduler s = new Scheduler(new HazelcastClusterState(m), engine, engine, blobs, clock, Runnable::run,
        Runnable::run, config.withRetention(Duration.ofMinutes(1)), SchedulerMetrics.NONE);
    RecordingLink link = new RecordingLink();
    WorkerHandle w = s.connect(new WorkerInfo("w1", Arch.AMD64, 2, "e"), List.of(), link);
    JobRecord job = s.submit(new JobRequest(
        List.of(FakeEngine.config("a", "amd64,arm64", "")), List.of(), BuildSettings.defaults(), "")).get();
    for (WorkerCommand.Assign a : link.assigns()) {
      w.report(new TaskReport.Completed(a.task().id(), 1, engine.build(a.task(), "w1"), Map.of(), 0, 0));
    }
    assertThat(s.job(job.id()).get().job().status()).isEqualTo(JobStatus.SUCCEEDED);
    List<String> maps = List.of("jobs", "images", "tasks", "results", "events");
    assertThat(maps).allSatisfy(name -> assertThat(m.getMap(Members.STATE_PREFIX + name).size()).isPositive());

    clock.advance(Duration.ofMinutes(1));
    w.heard();
    s.tick().get();

    assertThat(maps).allSatisfy(name -> assertThat(m.getMap(Members.STATE_PREFIX + name).size()).isZero());
  }
}
