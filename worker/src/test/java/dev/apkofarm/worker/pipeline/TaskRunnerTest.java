package dev.apkofarm.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.testing.Await;
import dev.apkofarm.proto.v1.LockedArch;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The task runner on its own, with an engine the test holds and a reporter that records: cancels and drains at the
 * moments a connection can deliver them, each made to happen exactly there by the test's latches, not by timing.
 */
class TaskRunnerTest {
  // Only a failing test waits this long; a loaded machine is slow, not wrong.
  private static final Duration WAIT = Duration.ofSeconds(90);

  private final HeldEngine engine = new HeldEngine();
  private final RecordingReporter reporter = new RecordingReporter();
  // One slot: a second attempt assigned while the first runs is registered (a cancel finds it) and not started yet.
  private final TaskRunner runner = new TaskRunner("w", 1, engine, null, null, reporter);

  @AfterEach
  void close() {
    runner.close();
  }

  private static AssignedTask task(String id) {
    return new AssignedTask(new TaskId(id, 1), "job", LockedArch.getDefaultInstance(), "key-" + id);
  }

  /**
   * The window the flaky WorkerTest.aCancelInterruptsTheRunningBuild fell into: the attempt is registered (the cancel
   * finds it) but its slot thread has not entered it yet. Such a cancel used to cancel a future that then never ran:
   * the attempt stayed "running" on the worker for good and the coordinator never heard its end (its slot stayed
   * taken there too).
   */
  @Test
  void aCancelBeforeTheAttemptStartsEndsItWithoutBuildingAndReportsIt() throws Exception {
    runner.assign(task("a"));
    engine.started.await(); // a holds the only slot
    runner.assign(task("b"));
    assertThat(runner.running()).isEqualTo(2);

    runner.cancel(new TaskId("b", 1), "not needed"); // b is registered, not started
    runner.cancel(new TaskId("a", 1), "also not needed"); // frees the slot: b's turn

    assertThat(reporter.nextFailure()).isEqualTo("a: cancelled: also not needed");
    assertThat(reporter.nextFailure()).isEqualTo("b: cancelled: not needed");
    Await.until(WAIT, "both attempts to be done", () -> runner.running() == 0 && runner.completed() == 2);
    assertThat(engine.built).containsExactly("a");
    assertThat(reporter.succeeded).isEmpty();
  }

  @Test
  void aCancelWhileTheBuildRunsInterruptsIt() throws Exception {
    runner.assign(task("a"));
    engine.started.await();

    runner.cancel(new TaskId("a", 1), "not needed");

    assertThat(reporter.nextFailure()).isEqualTo("a: cancelled: not needed");
    Await.until(WAIT, "the attempt to be done", () -> runner.running() == 0 && runner.completed() == 1);
  }

  @Test
  void aCancelOfAnotherAttemptOfTheTaskLeavesThisOneAlone() throws Exception {
    runner.assign(task("a"));
    engine.started.await();

    runner.cancel(new TaskId("a", 2), "a newer attempt elsewhere");

    assertThat(runner.runningRefs()).containsExactly(new TaskId("a", 1));
    assertThat(reporter.failures).isEmpty();
    runner.cancel(new TaskId("a", 1), "done with the test");
    assertThat(reporter.nextFailure()).isEqualTo("a: cancelled: done with the test");
  }

  /** A drain hands back an attempt that has not started: it never builds, and nothing but the hand-back is said. */
  @Test
  void aDrainHandsBackAnAttemptThatHasNotStartedAndItNeverBuilds() throws Exception {
    runner.assign(task("a"));
    engine.started.await();
    runner.assign(task("b"));

    assertThat(runner.drain(Duration.ZERO)).containsExactlyInAnyOrder(new TaskId("a", 1), new TaskId("b", 1));

    Await.until(WAIT, "both slots' attempts to be done", () -> runner.completed() == 2);
    assertThat(runner.running()).isZero();
    assertThat(engine.built).containsExactly("a");
    assertThat(reporter.failures).isEmpty();
    assertThat(reporter.drained).hasSize(2).first().isEqualTo(List.of()); // the announcement, then the hand-back
    assertThat(List.copyOf(reporter.drained).get(1)).containsExactlyInAnyOrder(new TaskId("a", 1), new TaskId("b", 1));
  }

  /** Builds until its thread is interrupted, telling the test when a build has begun. */
  private static final class HeldEngine implements TaskExecutor {
    final CountDownLatch started = new CountDownLatch(1);
    final Set<String> built = ConcurrentHashMap.newKeySet();

    @Override
    public BuiltTask execute(AssignedTask task, ProgressSink progress) throws Exception {
      built.add(task.ref().taskId());
      started.countDown();
      new CountDownLatch(1).await(); // only an interrupt ends it
      throw new AssertionError("unreachable");
    }
  }

  private static final class RecordingReporter implements Reporter {
    final BlockingQueue<String> failures = new LinkedBlockingQueue<>();
    final BlockingQueue<BuiltTask> succeeded = new LinkedBlockingQueue<>();
    final BlockingQueue<List<TaskId>> drained = new LinkedBlockingQueue<>();

    /** The next failure reported, as "task: reason" (waits for it). */
    String nextFailure() throws InterruptedException {
      String f = failures.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(f).as("a failure reported within " + WAIT).isNotNull();
      return f;
    }

    @Override
    public void progress(TaskId ref, BuildStage stage, long done, long total, String detail) {}

    @Override
    public void succeeded(TaskId ref, BuiltTask built) {
      succeeded.add(built);
    }

    @Override
    public void failed(TaskId ref, String reason, boolean permanent) {
      failures.add(ref.taskId() + ": " + reason + (permanent ? " (permanent)" : ""));
    }

    @Override
    public void draining(List<TaskId> handedBack) {
      drained.add(handedBack);
    }
  }
}
