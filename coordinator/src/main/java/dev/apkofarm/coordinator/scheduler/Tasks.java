package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.model.TaskStatus;
import dev.apkofarm.coordinator.state.ClusterState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of (image, arch) tasks once created: de-duplication against finished and in-flight identical builds,
 * workers' reports (progress, results checked against the coordinator's store, failures), requeues up to the attempt
 * limit, and cancellation. What a task's end means for its image is the scheduler's ({@link Images}). Runs on the
 * scheduler's loop.
 */
final class Tasks {
  private static final Logger log = LoggerFactory.getLogger(Tasks.class);

  /** What the scheduler does when an arch of an image is done or cannot be built. */
  interface Images {
    /** A task of the image succeeded (its other archs may still be running). */
    void archDone(String jobId, String image);

    /** A task of the image failed for good: the image fails with {@code reason}. */
    void failed(String jobId, String image, String reason);
  }

  private final ClusterState state;
  private final Book book;
  private final Events events;
  private final Dispatcher dispatcher;
  private final BlobStore blobs;
  private final SchedulerConfig config;
  private final SchedulerMetrics metrics;
  private final Images images;

  Tasks(ClusterState state, Book book, Events events, Dispatcher dispatcher, BlobStore blobs, SchedulerConfig config,
      SchedulerMetrics metrics, Images images) {
    this.state = state;
    this.book = book;
    this.events = events;
    this.dispatcher = dispatcher;
    this.blobs = blobs;
    this.config = config;
    this.metrics = metrics;
    this.images = images;
  }

  /** A new or promoted task: reuse a finished identical build, follow an in-flight one, or queue it. */
  void enqueue(TaskRecord task) {
    Optional<BuildResult> done = state.result(task.buildKey()).filter(r -> blobsPresent(task, r));
    if (done.isPresent()) {
      events.emit(task.jobId(), new JobEvent.TaskDeduplicated(task.image(), task.arch().ociName(), "result"));
      succeed(task, done.get());
      return;
    }
    String leader = book.inFlight.get(task.buildKey());
    if (leader != null && !leader.equals(task.id())) {
      TaskRecord following = task.following(leader);
      book.put(state, following);
      events.emit(task.jobId(), new JobEvent.TaskDeduplicated(task.image(), task.arch().ociName(), "in-flight"));
      return;
    }
    book.inFlight.put(task.buildKey(), task.id());
    book.queue(task);
  }

  void onReport(String workerId, TaskReport report) {
    dispatcher.heard(workerId);
    Optional<TaskRecord> current = dispatcher.ownedBy(workerId, report.taskId(), report.attempt());
    if (report instanceof TaskReport.Progress p) {
      current.ifPresent(
          t -> events.emit(
              t.jobId(),
              new JobEvent.TaskProgress(t.image(), t.arch().ociName(), p.stage(), p.done(), p.total(), p.detail())));
      return;
    }
    dispatcher.release(workerId, report.taskId());
    if (current.isEmpty()) {
      log.debug("worker {} reported on {} attempt {}, which it no longer holds", workerId, report.taskId(),
          report.attempt());
      dispatcher.dispatch();
      return;
    }
    TaskRecord task = current.get();
    if (report instanceof TaskReport.Completed c) {
      c.stageNanos().forEach(metrics::stage);
      metrics.packages(c.packagesFetched(), c.packagesCached());
      List<String> missing = storedBlobs(task, c.result()).stream()
          .filter(b -> blobs.size(b.digest()).orElse(-1) != b.size())
          .map(BlobRef::digest).toList();
      if (missing.isEmpty()) {
        metrics.taskFinished("succeeded");
        state.putResult(task.buildKey(), c.result());
        settingsOf(task).pushRepository(task.image()).ifPresent(repo -> events.emit(task.jobId(),
            new JobEvent.TaskPushed(task.image(), task.arch().ociName(), repo.toString(), c.result().manifest())));
        succeed(task, c.result());
      } else {
        requeueOrFail(task, "worker " + workerId + " reported blobs the coordinator does not have: " + missing);
      }
    } else if (report instanceof TaskReport.Failed f) {
      if (f.permanent()) {
        metrics.taskFinished("failed");
        TaskRecord failed = task.failed(f.reason());
        book.put(state, failed);
        releaseBuildKey(failed);
        images.failed(task.jobId(), task.image(), task.arch().ociName() + ": " + f.reason());
      } else {
        requeueOrFail(task, "worker " + workerId + ": " + f.reason());
      }
    }
    dispatcher.dispatch();
  }

  /**
   * The result of a finished build of {@code buildKey} whose blobs (all of them: a build that returned its artefacts,
   * not one that pushed) the coordinator's store holds: what a new task of that key would reuse.
   */
  Optional<BuildResult> retained(String buildKey) {
    return state.result(buildKey)
        .filter(r -> r.imageBlobs().stream().allMatch(b -> blobs.size(b.digest()).orElse(-1) == b.size()));
  }

  private boolean blobsPresent(TaskRecord task, BuildResult r) {
    return storedBlobs(task, r).stream().allMatch(b -> blobs.size(b.digest()).orElse(-1) == b.size());
  }

  /**
   * The blobs of a result the coordinator's store must hold: the image's (manifest, config, layers: what a client
   * downloads as a layout), or when pushing only the manifest and the SBOM: a worker pushes the config and layers
   * straight to the registry, where the coordinator's publish finds them (a HEAD each) before it writes the index,
   * and the coordinator attaches the SBOM as a referrer.
   */
  private List<BlobRef> storedBlobs(TaskRecord task, BuildResult r) {
    if (!settingsOf(task).pushing()) {
      return r.imageBlobs();
    }
    List<BlobRef> out = new ArrayList<>(2);
    out.add(r.manifest());
    r.sbomRef().ifPresent(out::add);
    return out;
  }

  private BuildSettings settingsOf(TaskRecord task) {
    JobRecord job = book.jobs.get(task.jobId());
    return job != null ? job.settings() : state.job(task.jobId()).map(JobRecord::settings)
        .orElse(BuildSettings.defaults());
  }

  private void succeed(TaskRecord task, BuildResult result) {
    TaskRecord done = task.succeeded(result);
    book.put(state, done);
    events.emit(task.jobId(), new JobEvent.TaskDone(task.image(), task.arch().ociName(), result.manifest(),
        result.worker()));
    if (task.id().equals(book.inFlight.get(task.buildKey()))) {
      book.inFlight.remove(task.buildKey());
      for (TaskRecord f : book.followersOf(task.id())) {
        succeed(f, result);
      }
    }
    images.archDone(task.jobId(), task.image());
  }

  void requeueOrFail(TaskRecord task, String reason) {
    if (task.attempt() >= config.maxAttempts()) {
      metrics.taskFinished("failed");
      TaskRecord failed = task.failed(reason);
      book.put(state, failed);
      releaseBuildKey(failed);
      images.failed(task.jobId(), task.image(), task.arch().ociName() + " failed after " + failed.attempt()
          + " attempt(s): " + String.join("; ", failed.reasons()));
      return;
    }
    metrics.requeued();
    TaskRecord again = task.requeued(reason);
    book.put(state, again);
    book.queue(again);
    events.emit(task.jobId(), new JobEvent.TaskRequeued(task.image(), task.arch().ociName(), reason, again.attempt()));
    log.info("task {} requeued for attempt {}: {}", task.id(), again.attempt(), reason);
  }

  /**
   * After a restart: a follower whose leader is no longer building takes the leader's result (or another identical
   * build's), follows a live identical build, or builds itself.
   */
  void resumeFollower(TaskRecord follower) {
    String leader = follower.follows();
    TaskRecord l = leader == null ? null : book.tasks.get(leader);
    if (l != null && !l.status().terminal() && leader.equals(book.inFlight.get(follower.buildKey()))) {
      return;
    }
    TaskRecord promoted = follower.promoted();
    book.put(state, promoted);
    enqueue(promoted);
  }

  /** A leader ended without a result: its first follower builds instead, the others follow that one. */
  private void releaseBuildKey(TaskRecord leader) {
    if (!leader.id().equals(book.inFlight.get(leader.buildKey()))) {
      return;
    }
    book.inFlight.remove(leader.buildKey());
    List<TaskRecord> followers = book.followersOf(leader.id());
    if (followers.isEmpty()) {
      return;
    }
    TaskRecord next = followers.get(0).promoted();
    book.put(state, next);
    book.inFlight.put(next.buildKey(), next.id());
    book.queue(next);
    for (TaskRecord f : followers.subList(1, followers.size())) {
      book.put(state, f.following(next.id()));
    }
  }

  /** Cancels one live task: off the queue, off its worker, and its followers served by someone else. */
  void stop(TaskRecord t, String reason) {
    if (t.status() == TaskStatus.RUNNING) {
      dispatcher.cancelOnWorker(t, reason);
    }
    book.unqueue(t.id());
    TaskRecord cancelled = t.cancelled(reason);
    book.put(state, cancelled);
    releaseBuildKey(cancelled);
  }
}
