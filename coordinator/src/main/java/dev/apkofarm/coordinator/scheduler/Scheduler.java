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
import java.util.ArrayList;
import java.util.Collection;
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
 * tests can drive it synchronously with a direct executor and a fake clock. Slow engine steps (lock, index) run on a
 * separate executor and post their outcome back to the loop. State is written through to {@link ClusterState}.
 */
public final class Scheduler {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  private final ClusterState state;
  private final LockStep lockStep;
  private final IndexStep indexStep;
  private final BlobStore blobs;
  private final Clock clock;
  private final Executor loop;
  private final Executor engine;
  private final SchedulerConfig config;
  private final SchedulerMetrics metrics;
  private final String engineVersion;
  private final Book book = new Book();
  private final Dispatcher dispatcher;
  private final Events events;

  public Scheduler(
      ClusterState state,
      LockStep lockStep,
      IndexStep indexStep,
      BlobStore blobs,
      Clock clock,
      Executor loop,
      Executor engine,
      SchedulerConfig config,
      SchedulerMetrics metrics,
      String engineVersion) {
    this.state = state;
    this.lockStep = lockStep;
    this.indexStep = indexStep;
    this.blobs = blobs;
    this.clock = clock;
    this.loop = loop;
    this.engine = engine;
    this.config = config;
    this.metrics = metrics;
    this.engineVersion = engineVersion;
    this.events = new Events(state, book, clock);
    this.dispatcher = new Dispatcher(state, book, events, clock, config, metrics);
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

  void report(String workerId, TaskReport report) {
    loop.execute(() -> guarded(() -> onReport(workerId, report)));
  }

  void heard(String workerId) {
    loop.execute(() -> guarded(() -> dispatcher.heard(workerId)));
  }

  void draining(String workerId, List<TaskRef> handedBack) {
    loop.execute(
        () -> guarded(
            () -> {
              for (TaskRecord t : dispatcher.draining(workerId, handedBack)) {
                requeueOrFail(t, "handed back by draining worker " + workerId);
              }
              dispatcher.dispatch();
            }));
  }

  void disconnected(String workerId, WorkerLink link) {
    loop.execute(() -> guarded(() -> dispatcher.disconnected(workerId, link)));
  }

  // ---------------------------------------------------------------- time and recovery

  /** Requeues the tasks of workers silent for longer than the lease. Called every second, or by tests. */
  public CompletableFuture<Void> tick() {
    return call(
        () -> {
          for (Dispatcher.Expired e : dispatcher.expired()) {
            requeueOrFail(e.task(), e.reason());
          }
          dispatcher.dispatch();
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
    engine.execute(
        () -> {
          LockedImage locked;
          long start = System.nanoTime();
          try {
            locked = lockStep.lock(source, override, job.settings());
            metrics.stage(dev.apkofarm.coordinator.model.Stage.RESOLVE, System.nanoTime() - start);
          } catch (Exception | LinkageError e) {
            String why = describe(e);
            loop.execute(() -> guarded(() -> failImage(jobId, image, "lock failed: " + why)));
            return;
          }
          loop.execute(() -> guarded(() -> onLocked(jobId, image, locked)));
        });
  }

  private void onLocked(String jobId, String image, LockedImage locked) {
    JobRecord job = book.jobs.get(jobId);
    if (job == null || job.image(image).orElseThrow().status() != ImageStatus.LOCKING) {
      return; // cancelled meanwhile
    }
    List<String> archs = locked.archs().stream().map(Arch::ociName).toList();
    job = job.withImage(image, i -> i.locked(archs, locked.packages()));
    if (job.status() == JobStatus.QUEUED) {
      job = job.withStatus(JobStatus.RUNNING, 0, null);
    }
    book.jobs.put(jobId, job);
    state.putJob(job);
    events.emit(jobId, new JobEvent.ImageLocked(image, archs, locked.packages()));
    log.info("job {} image {} locked: {} package(s) for {}", jobId, image, locked.packages(), archs);
    for (var e : locked.perArch().entrySet()) {
      String key = BuildKeys.of(e.getValue(), e.getKey(), engineVersion, job.settings());
      TaskRecord task = TaskRecord.queued(jobId, image, e.getKey(), key, e.getValue(), book.nextOrder++);
      state.createTask(task);
      book.tasks.put(task.id(), task);
      enqueue(task);
    }
    dispatcher.dispatch();
  }

  /** A new or promoted task: reuse a finished identical build, follow an in-flight one, or queue it. */
  private void enqueue(TaskRecord task) {
    Optional<BuildResult> done = state.result(task.buildKey()).filter(this::blobsPresent);
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

  private void onReport(String workerId, TaskReport report) {
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
      List<String> missing = c.result().allBlobs().stream()
          .filter(b -> blobs.size(b.digest()).orElse(-1) != b.size())
          .map(BlobRef::digest).toList();
      if (missing.isEmpty()) {
        metrics.taskFinished("succeeded");
        state.putResult(task.buildKey(), c.result());
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
        failImage(task.jobId(), task.image(), task.arch().ociName() + ": " + f.reason());
      } else {
        requeueOrFail(task, "worker " + workerId + ": " + f.reason());
      }
    }
    dispatcher.dispatch();
  }

  private boolean blobsPresent(BuildResult r) {
    return r.allBlobs().stream().allMatch(b -> blobs.size(b.digest()).orElse(-1) == b.size());
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
    checkImage(task.jobId(), task.image());
  }

  private void requeueOrFail(TaskRecord task, String reason) {
    if (task.attempt() >= config.maxAttempts()) {
      metrics.taskFinished("failed");
      TaskRecord failed = task.failed(reason);
      book.put(state, failed);
      releaseBuildKey(failed);
      failImage(task.jobId(), task.image(), task.arch().ociName() + " failed after " + failed.attempt()
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
    byte[] lockedConfig = tasks.get(0).lockedConfig();
    engine.execute(
        () -> {
          BlobRef index;
          long start = System.nanoTime();
          try {
            index = indexStep.assemble(image, perArch, lockedConfig, job.settings());
            if (job.settings().pushPrefix() != null) {
              metrics.stage(dev.apkofarm.coordinator.model.Stage.PUSH, System.nanoTime() - start);
            }
          } catch (Exception | LinkageError e) {
            String why = describe(e);
            loop.execute(() -> guarded(() -> failImage(jobId, image, "index assembly failed: " + why)));
            return;
          }
          loop.execute(() -> guarded(() -> onAssembled(jobId, image, index, perArch)));
        });
  }

  private void onAssembled(String jobId, String image, BlobRef index, List<BuildResult> perArch) {
    JobRecord job = book.jobs.get(jobId);
    if (job == null || job.image(image).orElseThrow().status() != ImageStatus.ASSEMBLING) {
      return;
    }
    Map<String, BlobRef> all = new LinkedHashMap<>();
    for (BuildResult r : perArch) {
      for (BlobRef b : r.allBlobs()) {
        all.putIfAbsent(b.digest(), b);
      }
    }
    setImage(jobId, image, i -> i.succeeded(index, List.copyOf(all.values())));
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
        stopTask(t, "image " + image + " failed");
      }
    }
    setImage(jobId, image, i -> i.failed(ImageStatus.FAILED, reason));
    events.emit(jobId, new JobEvent.ImageFailed(image, reason));
    log.info("job {} image {} failed: {}", jobId, image, reason);
    checkJob(jobId);
  }

  /** Cancels one live task: off the queue, off its worker, and its followers served by someone else. */
  private void stopTask(TaskRecord t, String reason) {
    if (t.status() == TaskStatus.RUNNING) {
      dispatcher.cancelOnWorker(t, reason);
    }
    book.unqueue(t.id());
    TaskRecord cancelled = t.cancelled(reason);
    book.put(state, cancelled);
    releaseBuildKey(cancelled);
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
  }

  private JobRecord doCancel(String jobId, String reason) {
    JobRecord job = findJob(jobId);
    if (job.status().terminal()) {
      return job;
    }
    String why = "cancelled" + (reason == null || reason.isBlank() ? "" : ": " + reason);
    for (TaskRecord t : book.tasksOf(jobId, null)) {
      if (!t.status().terminal()) {
        stopTask(t, why);
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
    int n = 0;
    for (JobRecord stored : state.jobs()) {
      if (stored.status().terminal() || book.jobs.containsKey(stored.id())) {
        continue;
      }
      JobRecord job = stored.withLastSeq(events.recoverLastSeq(stored));
      book.jobs.put(job.id(), job);
      n++;
      List<TaskRecord> tasks = state.tasksOf(job.id());
      for (TaskRecord t : tasks) {
        book.nextOrder = Math.max(book.nextOrder, t.order() + 1);
        if (!t.status().terminal()) {
          book.tasks.put(t.id(), t);
        }
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
      for (ImageRecord i : job.images()) {
        switch (i.status()) {
          case LOCKING -> startLock(job.id(), i.name());
          case ASSEMBLING -> startAssembly(job.id(), i.name());
          case BUILDING -> checkImage(job.id(), i.name());
          default -> {}
        }
      }
      log.info("job {} recovered: {} live task(s)", job.id(), book.tasksOf(job.id(), null).size());
    }
    dispatcher.dispatch();
    return n;
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
