package dev.apkofarm.worker.pipeline;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.core.BadInputException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a worker's tasks: each on one of {@code slots} threads, through the engine ({@link TaskExecutor}) and the
 * {@link Delivery} of its blobs, reporting progress (at most 4 per second per task), the result or the failure.
 * Cancels an attempt by interrupting it; drains by taking nothing new, letting running attempts finish within a
 * grace period and handing back the rest. Knows nothing of the connection: the {@link Reporter} does.
 *
 * <p>An attempt is visible (to {@link #cancel}, {@link #drain}, {@link #runningRefs}) from {@link #assign} on, before
 * its slot thread has entered it, and a cancel can arrive at any moment of that. So a cancel never cancels the
 * attempt's future (a future cancelled before it runs never runs: the attempt would stay "running" here and the
 * coordinator would never hear its end, keeping its slot taken); it marks the attempt and interrupts the thread
 * running it, if any. Every attempt's body runs and ends with a report (or a hand-back), a marked one at once.
 */
public final class TaskRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
  private static final long PROGRESS_INTERVAL_MILLIS = 250;

  private final String workerId;
  private final TaskExecutor executor;
  private final Delivery delivery;
  private final Reporter reporter;
  private final ExecutorService slots;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final AtomicInteger completed = new AtomicInteger();
  private volatile boolean draining;

  public TaskRunner(String workerId, int slots, TaskExecutor executor, BlobTransfer blobs, RegistryPush registry,
      Reporter reporter) {
    this.workerId = workerId;
    this.executor = executor;
    this.delivery = new Delivery(blobs, registry);
    this.reporter = reporter;
    AtomicInteger n = new AtomicInteger();
    this.slots = Executors.newFixedThreadPool(slots, r -> {
      Thread t = new Thread(r, "task-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Attempts running now (a reconnecting worker lists them in its Hello). */
  public List<TaskId> runningRefs() {
    return running.values().stream().map(r -> r.task.ref()).toList();
  }

  /** Tasks running now. */
  public int running() {
    return running.size();
  }

  /** Tasks finished (successfully or not) since start. */
  public int completed() {
    return completed.get();
  }

  /** Starts {@code task}, or hands it straight back when draining. */
  public void assign(AssignedTask task) {
    if (draining) {
      reporter.draining(List.of(task.ref()));
      return;
    }
    Running r = new Running(task);
    // The future exists before the attempt is visible, so a drain that finds the attempt can always wait for it.
    FutureTask<Void> f = new FutureTask<>(() -> run(r), null);
    r.future = f;
    running.put(task.ref().taskId(), r);
    log.info("worker {}: {} started", workerId, task);
    slots.execute(f);
  }

  /** Stops the attempt {@code ref} if it runs here (an older or newer attempt of the task is left alone). */
  public void cancel(TaskId ref, String reason) {
    Running r = running.get(ref.taskId());
    if (r != null && r.task.ref().equals(ref)) {
      r.stop(reason);
    }
  }

  private void run(Running r) {
    TaskId ref = r.task.ref();
    long start = System.nanoTime();
    try {
      if (r.enter()) {
        throw new InterruptedException("cancelled before it started");
      }
      BuiltTask built = executor.execute(r.task, (stage, done, total, detail) -> progress(r, stage, done, total, detail));
      if (r.cancelReason != null) {
        throw new InterruptedException("finished after it was cancelled");
      }
      BuiltTask delivered = delivery.deliver(r.task, built, (stage, done, total, detail) -> progress(r, stage, done,
          total, detail));
      finish(r);
      reporter.succeeded(ref, delivered);
      log.info("worker {}: {} done in {} ms: {}", workerId, r.task, (System.nanoTime() - start) / 1_000_000,
          built.manifest().digest());
    } catch (InterruptedException | InterruptedIOException | ClosedByInterruptException e) {
      finish(r);
      failed(r, "cancelled: " + (r.cancelReason == null ? "interrupted" : r.cancelReason), false);
    } catch (BadInputException e) {
      finish(r);
      failed(r, e.getMessage(), true);
    } catch (Exception | LinkageError e) {
      finish(r);
      if (r.cancelReason != null) {
        failed(r, "cancelled: " + r.cancelReason, false);
      } else {
        log.warn("worker {}: {} failed", workerId, r.task, e);
        failed(r, e.getMessage() == null ? e.toString() : e.getMessage(), false);
      }
    } finally {
      r.leave();
    }
  }

  private void failed(Running r, String reason, boolean permanent) {
    TaskId ref = r.task.ref();
    if (r.handedBack) {
      return; // the coordinator has it back already: nothing to say about this attempt
    }
    reporter.failed(ref, reason, permanent);
    log.info("worker {}: {} {}", workerId, ref, permanent ? "failed: " + reason : reason);
  }

  private void finish(Running r) {
    running.remove(r.task.ref().taskId(), r);
    completed.incrementAndGet();
  }

  private void progress(Running r, BuildStage stage, long done, long total, String detail) {
    long now = System.currentTimeMillis();
    synchronized (r) {
      if (stage == r.lastStage && now - r.lastProgressMillis < PROGRESS_INTERVAL_MILLIS && done < total) {
        return;
      }
      r.lastStage = stage;
      r.lastProgressMillis = now;
    }
    reporter.progress(r.task.ref(), stage, done, total, detail == null ? "" : detail);
  }

  /**
   * Takes no new task, lets running ones finish for up to {@code grace}, then cancels and hands back the rest.
   *
   * @return the attempts handed back
   */
  public List<TaskId> drain(Duration grace) {
    draining = true;
    reporter.draining(List.of());
    log.info("worker {} draining: {} task(s) running", workerId, running.size());
    long deadline = System.nanoTime() + grace.toNanos();
    for (Running r : List.copyOf(running.values())) {
      long left = deadline - System.nanoTime();
      Future<?> f = r.future;
      if (f == null || left <= 0) {
        continue;
      }
      try {
        f.get(left, TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        // finished badly or still running: decided below
      }
    }
    List<TaskId> handedBack = new ArrayList<>();
    List<Running> rest = List.copyOf(running.values());
    // Every one is marked before any is interrupted: an interrupted attempt frees its slot thread at once, and an
    // attempt waiting for that slot would otherwise start building before the loop reached it.
    for (Running r : rest) {
      r.handedBack = true; // before the mark: the attempt's end reports nothing
      r.cancelReason = "worker draining";
      running.remove(r.task.ref().taskId());
      handedBack.add(r.task.ref());
    }
    rest.forEach(r -> r.stop("worker draining"));
    if (!handedBack.isEmpty()) {
      reporter.draining(handedBack);
    }
    return handedBack;
  }

  @Override
  public void close() {
    slots.shutdownNow();
  }

  /** A task on this worker. */
  private static final class Running {
    final AssignedTask task;
    volatile Future<?> future;
    volatile String cancelReason;
    volatile boolean handedBack;
    BuildStage lastStage;
    long lastProgressMillis;
    /** The slot thread while it is in the attempt's body; guarded by {@code interrupts}. */
    private Thread thread;
    private final Object interrupts = new Object();

    Running(AssignedTask task) {
      this.task = task;
    }

    /**
     * Marks the attempt cancelled and interrupts its thread if it is in the body. Mark first, then look for the
     * thread under the lock {@link #enter} takes: either this finds the thread, or {@code enter} finds the mark.
     */
    void stop(String reason) {
      cancelReason = reason;
      synchronized (interrupts) {
        if (thread != null) {
          thread.interrupt();
        }
      }
    }

    /** The slot thread enters the body; true when the attempt was stopped before (it must end at once). */
    boolean enter() {
      synchronized (interrupts) {
        thread = Thread.currentThread();
        return cancelReason != null;
      }
    }

    /** The slot thread leaves the body: no later stop interrupts it, and one that came late is not kept. */
    void leave() {
      synchronized (interrupts) {
        thread = null;
        Thread.interrupted(); // the pool's next attempt on this thread starts uninterrupted
      }
    }
  }
}
