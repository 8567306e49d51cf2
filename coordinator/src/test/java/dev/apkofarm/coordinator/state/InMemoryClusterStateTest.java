package dev.apkofarm.coordinator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.JobStatus;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.model.TaskStatus;
import dev.apkofarm.core.config.Arch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The embedded farm's cluster state holds to the contract the scheduler relies on, as the Hazelcast one does: one
 * winner when several change a task at once, a job's tasks by order and no other job's, events by seq, and a removed
 * job leaves nothing of it behind and everything of the others.
 */
class InMemoryClusterStateTest {
  private final InMemoryClusterState state = new InMemoryClusterState();

  private static TaskRecord task(String job, String image, Arch arch, long order) {
    return TaskRecord.queued(job, image, arch, "key-" + image, new byte[] {1, 2}, order);
  }

  private static JobRecord job(String id) {
    return new JobRecord(id, JobStatus.RUNNING, List.of(), List.of(), BuildSettings.defaults(), 1, 0, "", 0, null);
  }

  @Test
  void ofSeveralChangingATaskAtOnceExactlyOneWins() throws Exception {
    TaskRecord queued = task("j-1", "nginx", Arch.AMD64, 0);
    state.createTask(queued);
    int racers = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      List<Future<Boolean>> won = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        String worker = "w" + i;
        won.add(pool.submit(() -> {
          go.await();
          return state.replaceTask(queued.claimed(worker, 100));
        }));
      }
      go.countDown();
      int winners = 0;
      for (Future<Boolean> f : won) {
        winners += f.get() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    TaskRecord stored = state.task(queued.id()).orElseThrow();
    assertThat(stored.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(stored.version()).isEqualTo(1);
    // A change made from a stale copy loses too, and so does one to a task that does not exist.
    assertThat(state.replaceTask(queued.requeued("stale"))).isFalse();
    assertThat(state.replaceTask(task("j-1", "absent", Arch.AMD64, 9).claimed("w", 1))).isFalse();
    assertThat(state.task("j-1/absent/x86_64")).isEmpty();
  }

  @Test
  void aTaskIsCreatedOnce() {
    state.createTask(task("j-1", "nginx", Arch.AMD64, 0));

    assertThatThrownBy(() -> state.createTask(task("j-1", "nginx", Arch.AMD64, 5)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exists already");
    assertThat(state.tasksOf("j-1")).extracting(TaskRecord::order).containsExactly(0L);
  }

  @Test
  void aJobsTasksComeInOrderAndOnlyItsOwn() {
    state.createTask(task("j-1", "b", Arch.ARM64, 3));
    state.createTask(task("j-2", "a", Arch.AMD64, 1));
    state.createTask(task("j-1", "a", Arch.AMD64, 2));
    state.createTask(task("j-1", "b", Arch.AMD64, 0));

    assertThat(state.tasksOf("j-1")).extracting(TaskRecord::id)
        .containsExactly("j-1/b/x86_64", "j-1/a/x86_64", "j-1/b/aarch64");
    assertThat(state.tasksOf("j-2")).extracting(TaskRecord::id).containsExactly("j-2/a/x86_64");
    assertThat(state.tasksOf("j-3")).isEmpty();
  }

  @Test
  void eventsComeBySeqWithinTheRangeAsked() {
    for (long seq : new long[] {3, 1, 2, 4}) {
      state.appendEvent(new JobEvent("j-1", seq, seq, new JobEvent.JobFailed("e" + seq)));
    }
    state.appendEvent(new JobEvent("j-2", 1, 1, new JobEvent.JobDone()));

    assertThat(state.events("j-1", 2, 3)).extracting(JobEvent::seq).containsExactly(2L, 3L);
    assertThat(state.events("j-1", 1, 99)).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(state.events("j-1", 3, 2)).isEmpty();
    assertThat(state.events("j-9", 1, 9)).isEmpty();
  }

  @Test
  void aRemovedJobLeavesNothingOfItAndEverythingOfTheOthers() {
    for (String j : List.of("j-1", "j-2")) {
      state.putJob(job(j));
      state.createTask(task(j, "a", Arch.AMD64, 0));
      state.appendEvent(new JobEvent(j, 1, 1, new JobEvent.JobDone()));
    }

    state.removeJob("j-1");

    assertThat(state.job("j-1")).isEmpty();
    assertThat(state.tasksOf("j-1")).isEmpty();
    assertThat(state.task("j-1/a/x86_64")).isEmpty();
    assertThat(state.events("j-1", 1, 1)).isEmpty();
    assertThat(state.jobs()).extracting(JobRecord::id).containsExactly("j-2");
    assertThat(state.tasksOf("j-2")).hasSize(1);
    assertThat(state.events("j-2", 1, 1)).hasSize(1);
    // Its task ids are free again.
    state.createTask(task("j-1", "a", Arch.AMD64, 0));
    assertThat(state.tasksOf("j-1")).hasSize(1);
  }
}
