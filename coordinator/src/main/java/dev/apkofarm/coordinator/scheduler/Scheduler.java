package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.ImageRecord;
import dev.apkofarm.coordinator.model.ImageStatus;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.JobStatus;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.model.TaskStatus;
import dev.apkofarm.coordinator.state.ClusterState;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The farm's scheduler: owns jobs from submission to their index, hands (image, arch) tasks to workers under
 * leases, requeues what a lost worker held, de-duplicates identical builds and fails an image with its reasons when
 * a task runs out of attempts.
 *
 * <p>Every change runs on one serial executor (the "loop"), so the scheduler's own structures need no locks and
 * tests can drive it synchronously with a direct executor and a fake clock. Slow engine steps (lock, index, publish)
 * run on a separate executor and post their outcome back to the loop ({@link EngineSteps}). This class decides what
 * happens to jobs and images; {@link Tasks} to tasks, {@link Recovery} after a restart, {@link Retention} to finished
 * jobs. State is written through to {@link ClusterState}.
 */
public final class Scheduler {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  /**
   * How long after a restart a live job's client has to begin uploading again a shipped package the previous
   * coordinator had not stored (its upload broke off with it): the client's uploader waits for the coordinator to
   * serve again and resends at once, so this covers its reconnect, not the upload itself.
   */
  static final Duration REUPLOAD_BEGINS = Duration.ofMinutes(2);

  private final BlobStore blobs;

  private final ClusterState state;
  private final LockStep lockStep;
  private final Clock clock;
  private final Executor loop;
  private final SchedulerConfig config;
  private final Book book = new Book();
  private final Dispatcher dispatcher;
  private final Events events;
  private final Retention retention;
  private final EngineSteps steps;
  private final Tasks tasks;
  /** job id -> who waits for the job as it ends ({@link #whenFinished}); touched on the loop only. */
  private final Map<String, List<CompletableFuture<JobView>>> finishWaiters = new HashMap<>();

  public Scheduler(
      ClusterState state,
      LockStep lockStep,
      IndexStep indexStep,
      BlobStore blobs,
      Clock clock,
      Executor loop,
      Executor engine,
      SchedulerConfig config,
      SchedulerMetrics metrics) {
    this.state = state;
    this.lockStep = lockStep;
    this.clock = clock;
    this.loop = loop;
    this.config = config;
    this.events = new Events(state, book, clock);
    this.dispatcher = new Dispatcher(state, book, events, clock, config, metrics);
    this.retention = new Retention(config.retention());
    this.blobs = blobs;
    this.tasks = new Tasks(state, book, events, dispatcher, blobs, config, metrics, new Tasks.Images() {
      @Override
      public void archDone(String jobId, String image) {
        checkImage(jobId, image);
      }

      @Override
      public void failed(String jobId, String image, String reason) {
        failImage(jobId, image, reason);
      }
    });
    this.steps = new EngineSteps(lockStep, indexStep, engine, r -> loop.execute(() -> guarded(r)), metrics);
  }

  public SchedulerConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- clients

  /**
   * Validates and accepts a job; locking starts in the background.
   *
   * @throws BadInputException (through the future) naming the config, line and field
   */
  public CompletableFuture<JobRecord> submit(JobRequest request) {
    return call(() -> doSubmit(request));
  }

  public CompletableFuture<JobRecord> cancel(String jobId, String reason) {
    return call(() -> doCancel(jobId, reason));
  }

  /** The job as stored, with its tasks. */
  public CompletableFuture<JobView> job(String jobId) {
    return call(() -> view(findJob(jobId)));
  }

  /**
   * The job with its tasks as it ended, taken on the loop when it ends (so a retention short enough to remove the
   * job at the next tick cannot take it from the waiter); at once for a job that has ended already.
   */
  public CompletableFuture<JobView> whenFinished(String jobId) {
    CompletableFuture<JobView> out = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        JobRecord job = findJob(jobId);
        if (job.status().terminal()) {
          out.complete(view(job));
        } else {
          finishWaiters.computeIfAbsent(jobId, k -> new ArrayList<>()).add(out);
        }
      } catch (RuntimeException e) {
        out.completeExceptionally(e);
      }
    });
    return out;
  }

  public CompletableFuture<List<JobView>> jobs(boolean includeFinished) {
    return call(
        () -> {
          List<JobView> out = new ArrayList<>();
          for (JobRecord j : state.jobs()) {
            JobRecord live = book.jobs.getOrDefault(j.id(), j);
            if (includeFinished || !live.status().terminal()) {
              out.add(view(live));
            }
          }
          out.sort((a, b) -> Long.compare(a.job().submittedAtMillis(), b.job().submittedAtMillis()));
          return out;
        });
  }

  /**
   * The results of finished builds of every one of {@code buildKeys}, in their order, if the farm still holds them
   * all (results stay for the retention of the last job that used them) with their blobs; empty otherwise. What a
   * task of each key would reuse instead of building.
   */
  public CompletableFuture<Optional<List<BuildResult>>> results(List<String> buildKeys) {
    return call(() -> {
      List<BuildResult> out = new ArrayList<>(buildKeys.size());
      for (String key : buildKeys) {
        Optional<BuildResult> r = tasks.retained(key);
        if (r.isEmpty()) {
          return Optional.empty();
        }
        out.add(r.get());
      }
      return Optional.of(out);
    });
  }

  /**
   * What the cluster state references of the blob store (see {@link BlobReferences}), read from the state on the
   * calling thread, not the loop: a sweep of a large state does not hold up scheduling, and what the loop stores
   * meanwhile is younger than the collector's grace period.
   */
  public BlobReferences blobReferences() {
    return BlobReferences.of(state, lockStep);
  }

  /**
   * Replays a job's events from {@code fromSeq}, then delivers live ones until the job ends.
   *
   * @return a handle that stops the delivery
   */
  public CompletableFuture<Subscription> watch(String jobId, long fromSeq, EventSink sink) {
    return call(() -> events.watch(findJob(jobId), fromSeq, sink, loop));
  }

  // ---------------------------------------------------------------- workers

  /**
   * A worker connected (or reconnected, listing the tasks it still runs). Returns at once; what the worker reports
   * through the handle is processed after the connection, in order.
   */
  public WorkerHandle connect(WorkerInfo info, List<TaskRef> stillRunning, WorkerLink link) {
    loop.execute(
        () -> guarded(
            () -> {
              dispatcher.connect(info, stillRunning, link);
              dispatcher.dispatch();
            }));
    return new WorkerHandle(this, info.id(), link);
  }

  CompletableFuture<Void> report(String workerId, TaskReport report) {
    CompletableFuture<Void> processed = new CompletableFuture<>();
    loop.execute(() -> {
      guarded(() -> tasks.onReport(workerId, report));
      processed.complete(null);
    });
    return processed;
  }

  void heard(String workerId) {
    loop.execute(() -> guarded(() -> dispatcher.heard(workerId)));
  }

  void draining(String workerId, List<TaskRef> handedBack) {
    loop.execute(
        () -> guarded(
            () -> {
              for (TaskRecord t : dispatcher.draining(workerId, handedBack)) {
                tasks.requeueOrFail(t, "handed back by draining worker " + workerId);
              }
              dispatcher.dispatch();
            }));
  }

  void disconnected(String workerId, WorkerLink link) {
    loop.execute(() -> guarded(() -> dispatcher.disconnected(workerId, link)));
  }

  // ---------------------------------------------------------------- time and recovery

  /**
   * Requeues the tasks of workers silent for longer than the lease and removes finished jobs older than the
   * retention. Called every second, or by tests.
   */
  public CompletableFuture<Void> tick() {
    return call(
        () -> {
          for (Dispatcher.Expired e : dispatcher.expired()) {
            tasks.requeueOrFail(e.task(), e.reason());
          }
          dispatcher.dispatch();
          removeExpiredJobs();
          return null;
        });
  }

  /** Loads the running jobs of a previous coordinator from the cluster state and resumes them. */
  public CompletableFuture<Integer> recover() {
    return call(this::doRecover);
  }

  /** What metrics read: queue length and workers by arch and state. Safe from any thread. */
  public Stats stats() {
    return dispatcher.stats();
  }

  // ---------------------------------------------------------------- the loop's work

  private JobRecord doSubmit(JobRequest request) throws BadInputException {
    int live = 0;
    for (JobRecord j : book.jobs.values()) {
      live += j.images().size();
    }
    if (live + request.images().size() > config.maxLiveImages()) {
      throw new FarmBusyException(
          "the farm holds " + live + " live images (limit " + config.maxLiveImages() + "); retry in a minute");
    }
    for (var source : request.images()) {
      lockStep.validate(source);
    }
    String id = JobIds.next(clock);
    List<ImageRecord> images = request.images().stream().map(ImageRecord::submitted).toList();
    JobRecord job = new JobRecord(
        id, JobStatus.QUEUED, images, request.archOverride().stream().map(Arch::ociName).toList(),
        request.settings(), clock.millis(), 0, request.label(), 0, null);
    book.jobs.put(id, job);
    state.putJob(job);
    events.emit(id, new JobEvent.JobQueued(images.stream().map(ImageRecord::name).toList()));
    log.info("job {} queued: {} image(s)", id, images.size());
    for (ImageRecord image : images) {
      startLock(id, image.source().name());
    }
    return findJob(id);
  }

  private void startLock(String jobId, String image) {
    JobRecord job = book.jobs.get(jobId);
    var source = job.image(image).orElseThrow().source();
    List<Arch> override = Arch.parseAll(job.archOverride().isEmpty() ? List.of() : job.archOverride());
    steps.lock(source, override, job.settings(), new EngineSteps.Outcome<>() {
      @Override
      public void done(ImageLock locked) {
        onLocked(jobId, image, locked);
      }

      @Override
      public void failed(String reason, boolean pushed) {
        failImage(jobId, image, reason);
      }
    });
  }

  private void onLocked(String jobId, String image, ImageLock locked) {
    JobRecord job = book.jobs.get(jobId);
    if (job == null || job.image(image).orElseThrow().status() != ImageStatus.LOCKING) {
      return; // cancelled meanwhile
    }
    // The tasks are stored before the image says BUILDING, so a coordinator killed in between finds the image still
    // LOCKING and locks again; the tasks the first lock stored (recovery took them in) are kept, not made twice.
    List<TaskRecord> fresh = new ArrayList<>();
    if (locked.unchanged().isEmpty()) {
      for (var e : locked.perArch().entrySet()) {
        if (book.tasks.containsKey(TaskRecord.idOf(jobId, image, e.getKey()))) {
          continue;
        }
        String key = e.getValue().buildKey();
        TaskRecord task = TaskRecord.queued(jobId, image, e.getKey(), key, e.getValue().lockedArch(), book.nextOrder++);
        retention.uses(jobId, key);
        state.createTask(task);
        book.track(task);
        fresh.add(task);
      }
    }
    List<String> archs = locked.archs().stream().map(Arch::ociName).toList();
    String publishKey = locked.publishKey().orElse(null);
    job = job.withImage(image, i -> i.locked(archs, locked.packages(), publishKey));
    if (job.status() == JobStatus.QUEUED) {
      job = job.withStatus(JobStatus.RUNNING, 0, null);
    }
    book.jobs.put(jobId, job);
    state.putJob(job);
    events.emit(jobId, new JobEvent.ImageLocked(image, archs, locked.packages()));
    log.info("job {} image {} locked: {} package(s) for {}", jobId, image, locked.packages(), archs);
    if (locked.unchanged().isPresent()) {
      unchanged(jobId, image, locked.unchanged().get());
      return;
    }
    fresh.forEach(tasks::enqueue);
    checkImage(jobId, image); // every task may have been stored, and finished, before a restart
    dispatcher.dispatch();
  }

  /** The registry has what these inputs build under the job's tag: the image is done without a build. */
  private void unchanged(String jobId, String image, BlobRef index) {
    String reference = book.jobs.get(jobId).settings().pushReference(image).map(Object::toString).orElseThrow();
    setImage(jobId, image, i -> i.succeeded(index, List.of()));
    events.emit(jobId, new JobEvent.ImageUnchanged(image, reference, index));
    events.emit(jobId, new JobEvent.ImageDone(image, index));
    log.info("job {} image {} unchanged: {}@{} is what its locked inputs build; nothing built", jobId, image,
        reference, index.digest());
    checkJob(jobId);
  }

  private void checkImage(String jobId, String image) {
    JobRecord job = book.jobs.get(jobId);
    if (job == null) {
      return;
    }
    ImageRecord img = job.image(image).orElseThrow();
    if (img.status() != ImageStatus.BUILDING) {
      return;
    }
    List<TaskRecord> tasks = book.tasksOf(jobId, image);
    if (tasks.size() != img.archs().size() || !tasks.stream().allMatch(t -> t.status() == TaskStatus.SUCCEEDED)) {
      return;
    }
    setImage(jobId, image, i -> i.withStatus(ImageStatus.ASSEMBLING));
    startAssembly(jobId, image);
  }

  private void startAssembly(String jobId, String image) {
    JobRecord job = book.jobs.get(jobId);
    List<TaskRecord> tasks = book.tasksOf(jobId, image).stream()
        .sorted((a, b) -> a.arch().ociName().compareTo(b.arch().ociName())).toList();
    List<BuildResult> perArch = tasks.stream().map(t -> t.buildResult().orElseThrow()).toList();
    steps.assemble(image, perArch, tasks.get(0).lockedArch(), job.settings(),
        job.image(image).orElseThrow().publishKey(), new EngineSteps.Outcome<>() {
          @Override
          public void done(EngineSteps.Assembled a) {
            onAssembled(jobId, image, a.index(), perArch, a.published());
          }

          @Override
          public void failed(String reason, boolean pushed) {
            if (pushed) {
              // What the workers pushed may be gone from the registry: the next push of these inputs rebuilds.
              tasks.forEach(t -> state.removeResult(t.buildKey()));
            }
            failImage(jobId, image, reason);
          }
        });
  }

  private void onAssembled(String jobId, String image, BlobRef index, List<BuildResult> perArch,
      Optional<IndexStep.Published> published) {
    JobRecord job = book.jobs.get(jobId);
    if (job == null || job.image(image).orElseThrow().status() != ImageStatus.ASSEMBLING) {
      return;
    }
    Map<String, BlobRef> all = new LinkedHashMap<>();
    if (published.isEmpty()) {
      for (BuildResult r : perArch) {
        for (BlobRef b : r.imageBlobs()) {
          all.putIfAbsent(b.digest(), b);
        }
      }
    }
    setImage(jobId, image, i -> i.succeeded(index, List.copyOf(all.values())));
    published.ifPresent(p -> {
      events.emit(jobId, new JobEvent.ImagePushed(image, p.reference(), index, p.summary()));
      log.info("job {} image {} pushed: {}@{} ({})", jobId, image, p.reference(), index.digest(), p.summary());
    });
    events.emit(jobId, new JobEvent.ImageDone(image, index));
    log.info("job {} image {} done: {}", jobId, image, index.digest());
    checkJob(jobId);
  }

  private void failImage(String jobId, String image, String reason) {
    JobRecord job = book.jobs.get(jobId);
    if (job == null || job.image(image).orElseThrow().status().terminal()) {
      return;
    }
    for (TaskRecord t : book.tasksOf(jobId, image)) {
      if (!t.status().terminal()) {
        tasks.stop(t, "image " + image + " failed");
      }
    }
    setImage(jobId, image, i -> i.failed(ImageStatus.FAILED, reason));
    events.emit(jobId, new JobEvent.ImageFailed(image, reason));
    log.info("job {} image {} failed: {}", jobId, image, reason);
    checkJob(jobId);
  }

  private void checkJob(String jobId) {
    JobRecord job = book.jobs.get(jobId);
    if (job == null || job.status().terminal() || !job.images().stream().allMatch(i -> i.status().terminal())) {
      return;
    }
    List<String> failed = job.images().stream().filter(i -> i.status() != ImageStatus.SUCCEEDED)
        .map(i -> i.name() + ": " + i.failure()).toList();
    if (failed.isEmpty()) {
      finishJob(job, JobStatus.SUCCEEDED, null, new JobEvent.JobDone());
    } else {
      String why = failed.size() + " of " + job.images().size() + " image(s) failed: " + String.join("; ", failed);
      finishJob(job, JobStatus.FAILED, why, new JobEvent.JobFailed(why));
    }
  }

  private void finishJob(JobRecord job, JobStatus status, String why, JobEvent.Kind last) {
    JobRecord done = job.withStatus(status, clock.millis(), why);
    book.jobs.put(job.id(), done);
    state.putJob(done);
    events.emit(job.id(), last);
    state.putJob(book.jobs.get(job.id()));
    log.info("job {} {}{}", job.id(), status.name().toLowerCase(java.util.Locale.ROOT), why == null ? "" : ": " + why);
    book.forget(job.id());
    events.ended(job.id());
    List<CompletableFuture<JobView>> waiters = finishWaiters.remove(job.id());
    if (waiters != null) {
      JobView ended = view(state.job(job.id()).orElse(done));
      waiters.forEach(w -> w.complete(ended));
    }
    retention.finished(job.id(), done.finishedAtMillis());
  }

  /** Finished jobs past the retention leave the cluster state with their tasks, events and unshared results. */
  private void removeExpiredJobs() {
    // Bounded per tick so a backlog (a coordinator restarted after a long stop) never stalls the loop.
    for (Retention.Expired e : retention.expire(clock.millis(), 100)) {
      state.removeJob(e.jobId());
      e.unusedBuildKeys().forEach(state::removeResult);
      log.info("job {} removed: finished more than {} ago", e.jobId(), config.retention());
    }
  }

  private JobRecord doCancel(String jobId, String reason) {
    JobRecord job = findJob(jobId);
    if (job.status().terminal()) {
      return job;
    }
    String why = "cancelled" + (reason == null || reason.isBlank() ? "" : ": " + reason);
    for (TaskRecord t : book.tasksOf(jobId, null)) {
      if (!t.status().terminal()) {
        tasks.stop(t, why);
      }
    }
    for (ImageRecord i : job.images()) {
      if (!i.status().terminal()) {
        setImage(jobId, i.name(), r -> r.failed(ImageStatus.CANCELLED, why));
      }
    }
    finishJob(book.jobs.get(jobId), JobStatus.CANCELLED, why, new JobEvent.JobFailed(why));
    dispatcher.dispatch();
    return state.job(jobId).orElseThrow();
  }

  private int doRecover() {
    return new Recovery(state, book, events, dispatcher, retention, blobs, REUPLOAD_BEGINS).run(new Recovery.Resume() {
      @Override
      public void lock(String jobId, String image) {
        startLock(jobId, image);
      }

      @Override
      public void assemble(String jobId, String image) {
        startAssembly(jobId, image);
      }

      @Override
      public void check(String jobId, String image) {
        checkImage(jobId, image);
      }

      @Override
      public void follower(TaskRecord follower) {
        tasks.resumeFollower(follower);
      }
    });
  }

  // ---------------------------------------------------------------- helpers

  private void setImage(String jobId, String image, java.util.function.UnaryOperator<ImageRecord> change) {
    JobRecord job = book.jobs.get(jobId).withImage(image, change);
    book.jobs.put(jobId, job);
    state.putJob(job);
  }

  private JobRecord findJob(String jobId) {
    JobRecord live = book.jobs.get(jobId);
    if (live != null) {
      return live;
    }
    return state.job(jobId).orElseThrow(() -> new UnknownJobException(jobId));
  }

  private JobView view(JobRecord job) {
    Collection<TaskRecord> tasks = state.tasksOf(job.id());
    return new JobView(job, List.copyOf(tasks));
  }

  private <T> CompletableFuture<T> call(Checked<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    loop.execute(
        () -> {
          try {
            f.complete(work.get());
          } catch (Exception | LinkageError e) {
            f.completeExceptionally(e);
          }
        });
    return f;
  }

  private void guarded(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException | LinkageError e) {
      log.error("scheduler step failed", e);
    }
  }

  static String describe(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  @FunctionalInterface
  private interface Checked<T> {
    T get() throws Exception;
  }

  /** A job with its tasks, as status and list show it. */
  public record JobView(JobRecord job, List<TaskRecord> tasks) {}

  /** A task of a worker, as the worker names it: id and attempt. */
  public record TaskRef(String taskId, int attempt) {}

  /** Queue length and workers by arch and state, for metrics. */
  public record Stats(int queued, int running, Map<String, Map<String, Integer>> workers) {}

  /** Stops a watch. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
