package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.model.TaskStatus;
import dev.apkofarm.coordinator.state.ClusterState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connected workers, their leases, and the choice of which worker runs which queued task: a worker whose native
 * arch is the task's first, then any free worker (the engine runs no target code); among equals the one that built
 * the same image last (its cache is warm), then the least loaded. Runs on the scheduler's thread.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final ClusterState state;
  private final Book book;
  private final Events events;
  private final Clock clock;
  private final SchedulerConfig config;
  private final SchedulerMetrics metrics;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  /** RUNNING tasks whose worker is not connected: task id -> when their lease ends. */
  private final Map<String, Long> orphans = new HashMap<>();
  /** image name -> the worker that last built one of its archs. */
  private final Map<String, String> affinity = new HashMap<>();

  Dispatcher(
      ClusterState state, Book book, Events events, Clock clock, SchedulerConfig config, SchedulerMetrics metrics) {
    this.state = state;
    this.book = book;
    this.events = events;
    this.clock = clock;
    this.config = config;
    this.metrics = metrics;
  }

  record Expired(TaskRecord task, String reason) {}

  void connect(WorkerInfo info, List<Scheduler.TaskRef> stillRunning, WorkerLink link) {
    long now = clock.millis();
    Session old = sessions.remove(info.id());
    if (old != null) {
      for (String t : old.running) {
        orphans.put(t, now + config.lease().toMillis());
      }
      old.link.close();
    }
    Session s = new Session(info, link, now);
    sessions.put(info.id(), s);
    for (Scheduler.TaskRef ref : stillRunning) {
      TaskRecord t = book.tasks.get(ref.taskId());
      if (t != null && t.status() == TaskStatus.RUNNING && info.id().equals(t.worker())
          && t.attempt() == ref.attempt()) {
        s.add(t.id());
        orphans.remove(t.id());
      } else {
        link.send(new WorkerCommand.Cancel(ref.taskId(), ref.attempt(), "no longer assigned to " + info.id()));
      }
    }
    log.info("worker {} connected: arch {}, {} slot(s), engine {}{}", info.id(), info.nativeArch(), info.slots(),
        info.version(), s.running.isEmpty() ? "" : ", resuming " + s.running.size() + " task(s)");
  }

  void heard(String workerId) {
    Session s = sessions.get(workerId);
    if (s != null) {
      s.lastSeenMillis = clock.millis();
    }
  }

  /** The task, if it is RUNNING this attempt on this worker. */
  Optional<TaskRecord> ownedBy(String workerId, String taskId, int attempt) {
    TaskRecord t = book.tasks.get(taskId);
    Session s = sessions.get(workerId);
    if (t == null || s == null || t.status() != TaskStatus.RUNNING || t.attempt() != attempt
        || !workerId.equals(t.worker()) || !s.running.contains(taskId)) {
      return Optional.empty();
    }
    return Optional.of(t);
  }

  /** The worker's slot of {@code taskId} is free again. */
  void release(String workerId, String taskId) {
    Session s = sessions.get(workerId);
    if (s != null) {
      s.remove(taskId);
    }
  }

  /** The worker drains; returns the handed-back tasks it really held, to be requeued. */
  List<TaskRecord> draining(String workerId, List<Scheduler.TaskRef> handedBack) {
    Session s = sessions.get(workerId);
    List<TaskRecord> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    if (!s.draining) {
      log.info("worker {} draining: {} running, {} handed back", workerId, s.running.size(), handedBack.size());
    }
    s.draining = true;
    for (Scheduler.TaskRef ref : handedBack) {
      Optional<TaskRecord> t = ownedBy(workerId, ref.taskId(), ref.attempt());
      if (t.isPresent()) {
        s.remove(ref.taskId());
        out.add(t.get());
      }
    }
    return out;
  }

  void disconnected(String workerId, WorkerLink link) {
    Session s = sessions.get(workerId);
    if (s == null || s.link != link) {
      return; // an older stream of a worker that reconnected
    }
    sessions.remove(workerId);
    long deadline = s.lastSeenMillis + config.lease().toMillis();
    for (String t : s.running) {
      orphans.put(t, deadline);
    }
    log.info("worker {} disconnected{}", workerId,
        s.running.isEmpty() ? "" : "; its " + s.running.size() + " task(s) are requeued unless it returns by its lease");
  }

  /** A RUNNING task recovered from the cluster state: its worker gets a lease's time to reconnect and claim it. */
  void orphan(TaskRecord t) {
    orphans.put(t.id(), clock.millis() + config.lease().toMillis());
  }

  /** Removes silent workers and collects every task whose lease ended. */
  List<Expired> expired() {
    long now = clock.millis();
    long lease = config.lease().toMillis();
    List<Expired> out = new ArrayList<>();
    for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
      Session s = it.next();
      long silent = now - s.lastSeenMillis;
      if (silent > lease) {
        it.remove();
        s.link.close();
        log.info("worker {} lost: silent for {} ms (lease {} ms)", s.info.id(), silent, lease);
        for (String id : s.running) {
          TaskRecord t = book.tasks.get(id);
          if (t != null && t.status() == TaskStatus.RUNNING) {
            out.add(new Expired(t, "lease expired: worker " + s.info.id() + " silent for " + silent + " ms"));
          }
        }
      }
    }
    for (Iterator<Map.Entry<String, Long>> it = orphans.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> e = it.next();
      TaskRecord t = book.tasks.get(e.getKey());
      if (t == null || t.status() != TaskStatus.RUNNING) {
        it.remove();
      } else if (now > e.getValue()) {
        it.remove();
        out.add(new Expired(t, "lease expired: worker " + t.worker() + " disconnected and did not return"));
      }
    }
    return out;
  }

  void cancelOnWorker(TaskRecord t, String reason) {
    orphans.remove(t.id());
    Session s = t.worker() == null ? null : sessions.get(t.worker());
    if (s != null && s.running.contains(t.id())) {
      s.link.send(new WorkerCommand.Cancel(t.id(), t.attempt(), reason));
    }
  }

  /** Assigns queued tasks to free workers: native arch first, then anyone. */
  void dispatch() {
    if (book.ready.isEmpty() || sessions.values().stream().noneMatch(s -> s.free() > 0)) {
      return;
    }
    for (boolean nativeOnly : new boolean[] {true, false}) {
      for (Iterator<Map.Entry<Long, String>> it = book.ready.entrySet().iterator(); it.hasNext(); ) {
        TaskRecord t = book.tasks.get(it.next().getValue());
        if (t == null || t.status() != TaskStatus.QUEUED) {
          it.remove();
          continue;
        }
        Session s = pick(t, nativeOnly);
        if (s == null) {
          continue;
        }
        it.remove();
        assign(t, s);
        if (sessions.values().stream().noneMatch(x -> x.free() > 0)) {
          return;
        }
      }
    }
  }

  private Session pick(TaskRecord t, boolean nativeOnly) {
    String warm = affinity.get(t.image());
    Session best = null;
    for (Session s : sessions.values()) {
      if (s.free() <= 0 || (nativeOnly && s.info.nativeArch() != t.arch())) {
        continue;
      }
      if (best == null || better(s, best, warm)) {
        best = s;
      }
    }
    return best;
  }

  private static boolean better(Session a, Session b, String warm) {
    boolean aw = a.info.id().equals(warm);
    boolean bw = b.info.id().equals(warm);
    if (aw != bw) {
      return aw;
    }
    if (a.free() != b.free()) {
      return a.free() > b.free();
    }
    return a.info.id().compareTo(b.info.id()) < 0;
  }

  private void assign(TaskRecord t, Session s) {
    long start = System.nanoTime();
    long leaseEnd = clock.millis() + config.lease().toMillis();
    TaskRecord claimed = t.claimed(s.info.id(), leaseEnd);
    if (!state.replaceTask(claimed)) {
      state.task(t.id()).ifPresent(cur -> book.tasks.put(cur.id(), cur));
      log.warn("task {} was claimed elsewhere; skipping it", t.id());
      return;
    }
    book.tasks.put(claimed.id(), claimed);
    s.add(claimed.id());
    affinity.put(t.image(), s.info.id());
    events.emit(t.jobId(), new JobEvent.TaskClaimed(t.image(), t.arch().ociName(), s.info.id(), t.attempt()));
    s.link.send(new WorkerCommand.Assign(claimed, book.jobs.get(t.jobId()).settings(), leaseEnd));
    metrics.assignment(System.nanoTime() - start);
    log.info("task {} (attempt {}) assigned to {}", t.id(), t.attempt(), s.info.id());
  }

  Scheduler.Stats stats() {
    Map<String, Map<String, Integer>> workers = new TreeMap<>();
    int running = 0;
    for (Session s : sessions.values()) {
      workers.computeIfAbsent(s.info.nativeArch().ociName(), k -> new TreeMap<>()).merge(s.state(), 1, Integer::sum);
      running += s.runningCount;
    }
    return new Scheduler.Stats(book.ready.size(), running, workers);
  }
}
