package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.model.ImageRecord;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.state.ClusterState;
import dev.apkofarm.coordinator.model.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads what a previous coordinator left in the cluster state: live jobs back into the book (queued tasks queued,
 * running ones given a lease to be reclaimed, interrupted engine steps restarted) and finished ones into the
 * retention schedule. Runs on the scheduler's loop.
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  /** How the scheduler resumes an image that was between steps. */
  interface Resume {
    void lock(String jobId, String image);

    void assemble(String jobId, String image);

    void check(String jobId, String image);

    /** A follower whose leader may have ended: it takes the leader's result, or builds itself. */
    void follower(TaskRecord follower);
  }

  private final ClusterState state;
  private final Book book;
  private final Events events;
  private final Dispatcher dispatcher;
  private final Retention retention;
  private final BlobStore blobs;
  private final Duration reuploadBegins;

  /**
   * @param reuploadBegins how long a worker waits for a shipped file a live job names and the store lacks (a large
   *     package whose upload broke off with the previous coordinator) to be uploaded again by its client
   */
  Recovery(ClusterState state, Book book, Events events, Dispatcher dispatcher, Retention retention, BlobStore blobs,
      Duration reuploadBegins) {
    this.blobs = blobs;
    this.reuploadBegins = reuploadBegins;
    this.state = state;
    this.book = book;
    this.events = events;
    this.dispatcher = dispatcher;
    this.retention = retention;
  }

  /** @return how many live jobs were resumed */
  int run(Resume resume) {
    List<JobRecord> live = new ArrayList<>();
    for (JobRecord stored : state.jobs()) {
      if (stored.status().terminal()) {
        for (TaskRecord t : state.tasksOf(stored.id())) {
          retention.uses(stored.id(), t.buildKey());
        }
        retention.finished(stored.id(), stored.finishedAtMillis());
        continue;
      }
      if (book.jobs.containsKey(stored.id())) {
        continue;
      }
      JobRecord job = stored.withLastSeq(events.recoverLastSeq(stored));
      book.jobs.put(job.id(), job);
      live.add(job);
      expectShipped(job);
      List<TaskRecord> tasks = state.tasksOf(job.id());
      for (TaskRecord t : tasks) {
        retention.uses(job.id(), t.buildKey());
        book.nextOrder = Math.max(book.nextOrder, t.order() + 1);
        // Finished tasks too: an image whose every arch succeeded before the restart is assembled from them.
        book.track(t);
      }
      for (TaskRecord t : tasks) {
        switch (t.status()) {
          case QUEUED -> {
            book.inFlight.putIfAbsent(t.buildKey(), t.id());
            book.queue(t);
          }
          case RUNNING -> {
            book.inFlight.putIfAbsent(t.buildKey(), t.id());
            dispatcher.orphan(t);
          }
          default -> {}
        }
      }
    }
    // Once every live job is in (a follower's leader may be another job's task): followers, then images.
    for (JobRecord job : live) {
      for (TaskRecord t : book.tasksOf(job.id(), null)) {
        if (t.status() == TaskStatus.DEDUPLICATED) {
          resume.follower(t);
        }
      }
    }
    for (JobRecord job : live) {
      for (ImageRecord i : job.images()) {
        switch (i.status()) {
          case LOCKING -> resume.lock(job.id(), i.name());
          case ASSEMBLING -> resume.assemble(job.id(), i.name());
          case BUILDING -> resume.check(job.id(), i.name());
          default -> {}
        }
      }
      log.info("job {} recovered: {} task(s), {} of them live", job.id(), book.tasksOf(job.id(), null).size(),
          book.tasksOf(job.id(), null).stream().filter(t -> !t.status().terminal()).count());
    }
    dispatcher.dispatch();
    return live.size();
  }

  /**
   * A large shipped package follows its submission (the lock does not read it), so the previous coordinator may have
   * died while it arrived: the upload broke off and the store has nothing of it. Its client uploads it again once
   * this coordinator serves; until then a worker that asks for it waits (as it does for one expected at lock time)
   * instead of failing the image. Expecting a file the store has, or one nobody needs, costs nothing.
   */
  private void expectShipped(JobRecord job) {
    for (ImageRecord i : job.images()) {
      if (i.status().terminal()) {
        continue;
      }
      for (String digest : i.source().files().values()) {
        if (!blobs.has(digest)) {
          blobs.expect(digest, reuploadBegins);
        }
      }
    }
  }
}
