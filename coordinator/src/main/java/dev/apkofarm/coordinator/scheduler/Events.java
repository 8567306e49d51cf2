package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.state.ClusterState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Numbers, stores and fans out job events; replays stored ones to a watcher that (re-)attaches. */
final class Events {
  private static final Logger log = LoggerFactory.getLogger(Events.class);

  private final ClusterState state;
  private final Book book;
  private final Clock clock;
  private final Map<String, List<EventSink>> watchers = new HashMap<>();

  Events(ClusterState state, Book book, Clock clock) {
    this.state = state;
    this.book = book;
    this.clock = clock;
  }

  /** Appends an event to a live job and delivers it to its watchers. */
  void emit(String jobId, JobEvent.Kind kind) {
    JobRecord job = book.jobs.get(jobId);
    if (job == null) {
      throw new IllegalStateException("job " + jobId + " is not live; cannot emit " + kind);
    }
    long seq = job.lastSeq() + 1;
    book.jobs.put(jobId, job.withLastSeq(seq));
    JobEvent event = new JobEvent(jobId, seq, clock.millis(), kind);
    state.appendEvent(event);
    List<EventSink> sinks = watchers.get(jobId);
    if (sinks != null) {
      for (EventSink s : List.copyOf(sinks)) {
        try {
          s.onEvent(event);
        } catch (RuntimeException e) {
          log.debug("dropping a watcher of job {}: {}", jobId, e.toString());
          sinks.remove(s);
        }
      }
    }
  }

  Scheduler.Subscription watch(JobRecord job, long fromSeq, EventSink sink, Executor loop) {
    for (JobEvent e : state.events(job.id(), Math.max(1, fromSeq), job.lastSeq())) {
      sink.onEvent(e);
    }
    if (job.status().terminal()) {
      sink.onEnd();
      return () -> {};
    }
    watchers.computeIfAbsent(job.id(), k -> new ArrayList<>()).add(sink);
    return () -> loop.execute(
        () -> {
          List<EventSink> sinks = watchers.get(job.id());
          if (sinks != null) {
            sinks.remove(sink);
          }
        });
  }

  /** The job ended: its watchers' streams end too. */
  void ended(String jobId) {
    List<EventSink> sinks = watchers.remove(jobId);
    if (sinks != null) {
      sinks.forEach(EventSink::onEnd);
    }
  }

  /** The stored job's lastSeq may lag its events (progress is not written to the job): probe forward. */
  long recoverLastSeq(JobRecord stored) {
    long seq = stored.lastSeq();
    while (!state.events(stored.id(), seq + 1, seq + 1).isEmpty()) {
      seq++;
    }
    return seq;
  }
}
