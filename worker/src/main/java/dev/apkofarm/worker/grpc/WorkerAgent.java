package dev.apkofarm.worker.grpc;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.proto.v1.Assign;
import dev.apkofarm.proto.v1.CoordinatorMessage;
import dev.apkofarm.proto.v1.Draining;
import dev.apkofarm.proto.v1.Heartbeat;
import dev.apkofarm.proto.v1.Hello;
import dev.apkofarm.proto.v1.TaskFailure;
import dev.apkofarm.proto.v1.TaskRef;
import dev.apkofarm.proto.v1.WorkerMessage;
import dev.apkofarm.proto.v1.WorkerProgress;
import dev.apkofarm.proto.v1.WorkerServiceGrpc;
import dev.apkofarm.worker.pipeline.AssignedTask;
import dev.apkofarm.worker.pipeline.BuildStage;
import dev.apkofarm.worker.pipeline.BuiltTask;
import dev.apkofarm.worker.pipeline.RegistryPush;
import dev.apkofarm.worker.pipeline.TaskExecutor;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of {@code Synchronize}: one stream to the coordinator, kept open (reconnecting with backoff when
 * it breaks), over which the worker says hello, heartbeats when idle, streams progress and results, and receives
 * assignments, cancellations and drain requests. Tasks run on {@code slots} threads; their blobs are uploaded
 * before the result is reported. Results that could not be sent wait for the next stream.
 */
public final class WorkerAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerAgent.class);
  private static final long PROGRESS_INTERVAL_MILLIS = 250;

  /**
   * Who this worker is.
   *
   * @param id unique per process
   * @param arch its native arch
   * @param slots tasks at once
   * @param version its engine version
   */
  public record Identity(String id, Arch arch, int slots, String version) {}

  private final WorkerServiceGrpc.WorkerServiceStub stub;
  private final BlobTransfer blobs;
  private final Identity identity;
  private final TaskExecutor executor;
  private final RegistryPush registry;
  private final ExecutorService slots;
  private final ScheduledExecutorService timer;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Deque<WorkerMessage> unsent = new ArrayDeque<>();
  private final AtomicInteger completed = new AtomicInteger();
  private StreamObserver<WorkerMessage> stream;
  private volatile long heartbeatMillis = 5_000;
  private volatile long lastSentMillis;
  private volatile boolean draining;
  private volatile boolean stopped;
  private int failures;

  public WorkerAgent(Channel channel, Identity identity, TaskExecutor executor, RegistryPush registry) {
    this.stub = WorkerServiceGrpc.newStub(channel);
    this.blobs = new BlobTransfer(channel);
    this.identity = identity;
    this.executor = executor;
    this.registry = registry;
    AtomicInteger n = new AtomicInteger();
    this.slots = Executors.newFixedThreadPool(identity.slots(), r -> daemon(r, "task-" + n.incrementAndGet()));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sync-timer"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Connects and keeps connected until {@link #close()}. */
  public void start() {
    timer.scheduleWithFixedDelay(this::heartbeat, 500, 500, TimeUnit.MILLISECONDS);
    connect();
  }

  public String id() {
    return identity.id();
  }

  /** Tasks running now. */
  public int running() {
    return running.size();
  }

  /** Tasks finished (successfully or not) since start. */
  public int completed() {
    return completed.get();
  }

  private void connect() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      Hello.Builder hello = Hello.newBuilder().setWorkerId(identity.id()).setNativeArch(identity.arch().ociName())
          .setSlots(identity.slots()).setVersion(identity.version());
      running.values().forEach(r -> hello.addRunning(r.ref()));
      for (WorkerMessage m : unsent) {
        hello.addRunning(m.hasResult() ? m.getResult().getTask() : m.getFailure().getTask());
      }
      Responses responses = new Responses();
      stream = stub.synchronize(responses);
      responses.own = stream;
      send(WorkerMessage.newBuilder().setHello(hello).build());
      while (!unsent.isEmpty() && stream != null) {
        send(unsent.poll());
      }
    }
  }

  private synchronized void send(WorkerMessage m) {
    boolean mustArrive = m.hasResult() || m.hasFailure();
    if (stream == null) {
      if (mustArrive) {
        unsent.add(m);
      }
      return;
    }
    try {
      stream.onNext(m);
      lastSentMillis = System.currentTimeMillis();
    } catch (RuntimeException e) {
      if (mustArrive) {
        unsent.add(m);
      }
    }
  }

  private void heartbeat() {
    if (System.currentTimeMillis() - lastSentMillis >= heartbeatMillis) {
      send(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
    }
  }

  private void lost(StreamObserver<WorkerMessage> which, String why) {
    synchronized (this) {
      if (stream != which) {
        return; // an old stream
      }
      stream = null;
      if (stopped) {
        return;
      }
      failures++;
    }
    long delay = Math.min(30_000, 250L << Math.min(failures, 7));
    log.info("worker {}: coordinator stream ended ({}); reconnecting in {} ms", identity.id(), why, delay);
    timer.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  /** Receives one stream's coordinator messages. */
  private final class Responses implements StreamObserver<CoordinatorMessage> {
    /** The request side of this stream; set under the agent's lock right after the call starts. */
    private StreamObserver<WorkerMessage> own;

    private StreamObserver<WorkerMessage> mine() {
      synchronized (WorkerAgent.this) {
        return own;
      }
    }

    @Override
    public void onNext(CoordinatorMessage m) {
      switch (m.getKindCase()) {
        case WELCOME -> {
          heartbeatMillis = Math.max(100, m.getWelcome().getHeartbeatMillis());
          synchronized (WorkerAgent.this) {
            failures = 0;
          }
          log.info("worker {} registered: arch {}, {} slot(s), lease {} ms", identity.id(), identity.arch(),
              identity.slots(), m.getWelcome().getLeaseMillis());
        }
        case ASSIGN -> assign(m.getAssign());
        case CANCEL -> cancel(m.getCancel().getTask(), m.getCancel().getReason());
        case DRAIN -> timer.execute(() -> drain(Duration.ofMinutes(10)));
        case COME_BACK_AT -> {
          StreamObserver<WorkerMessage> s = mine();
          long delay = Math.max(0, m.getComeBackAt().getAtMillis() - System.currentTimeMillis());
          log.info("worker {}: coordinator asks to come back in {} ms ({})", identity.id(), delay,
              m.getComeBackAt().getReason());
          synchronized (WorkerAgent.this) {
            if (stream == s && s != null) {
              stream = null;
              s.onCompleted();
            }
          }
          timer.schedule(WorkerAgent.this::connect, delay, TimeUnit.MILLISECONDS);
        }
        default -> { }
      }
    }

    @Override
    public void onError(Throwable t) {
      lost(mine(), t.getMessage());
    }

    @Override
    public void onCompleted() {
      lost(mine(), "closed by the coordinator");
    }
  }

  private void assign(Assign a) {
    var t = a.getTask();
    TaskRef ref = t.getRef();
    if (draining || stopped) {
      send(WorkerMessage.newBuilder().setDraining(Draining.newBuilder().addHandedBack(ref)).build());
      return;
    }
    AssignedTask task;
    try {
      Arch arch = Arch.parse(t.getArch()).orElseThrow(() -> new IllegalArgumentException("unknown arch " + t.getArch()));
      task = new AssignedTask(ref.getTaskId(), ref.getAttempt(), t.getJobId(), t.getImage(), arch,
          t.getLockedConfig().toByteArray(), t.getBuildKey(), new TreeMap<>(t.getOptions().getAnnotationsMap()),
          t.getOptions().hasSourceDateEpoch() ? t.getOptions().getSourceDateEpoch() : null,
          t.getPushRepository().isEmpty() ? null : t.getPushRepository());
    } catch (RuntimeException e) {
      fail(ref, "malformed assignment: " + e.getMessage(), true);
      return;
    }
    Running r = new Running(ref, task);
    running.put(ref.getTaskId(), r);
    log.info("worker {}: task {} (attempt {}) started", identity.id(), ref.getTaskId(), ref.getAttempt());
    r.future = slots.submit(() -> run(r));
  }

  private void run(Running r) {
    long start = System.nanoTime();
    try {
      BuiltTask built = executor.execute(r.task, (stage, done, total, detail) -> progress(r, stage, done, total, detail));
      if (r.cancelReason != null) {
        return;
      }
      List<Descriptor> extra = built.extra();
      long pushNanos = 0;
      if (r.task.pushRepository() == null) {
        List<String> all = new ArrayList<>(built.files().keySet());
        built.sbom().ifPresent(d -> all.remove(d.digest().toString())); // not part of the image's layout
        upload(built, all);
      } else {
        long pushStart = System.nanoTime();
        progress(r, BuildStage.PUSH, 0, 1, r.task.pushRepository());
        var stats = registry.push(built, r.task.pushRepository());
        pushNanos = System.nanoTime() - pushStart;
        progress(r, BuildStage.PUSH, 1, 1, r.task.pushRepository());
        log.info("worker {}: task {} pushed to {}: {} blob(s) uploaded ({} bytes), {} already there, {} mounted",
            identity.id(), r.ref.getTaskId(), r.task.pushRepository(), stats.blobsUploaded(), stats.bytesUploaded(),
            stats.blobHeadHits(), stats.mounts());
        // The coordinator needs only what it pushes itself: the manifest (in the index) and the SBOM (a referrer).
        List<String> small = new ArrayList<>(List.of(built.manifest().digest().toString()));
        built.sbom().ifPresent(d -> small.add(d.digest().toString()));
        upload(built, small);
        extra = new ArrayList<>(extra);
        built.sbom().ifPresent(extra::add);
      }
      var result = dev.apkofarm.proto.v1.TaskResult.newBuilder().setTask(r.ref)
          .setManifest(ProtoDescriptors.of(built.manifest())).setConfig(ProtoDescriptors.of(built.config()))
          .setPackagesFetched(built.packagesFetched()).setPackagesCached(built.packagesCached())
          .setEngineResult(com.google.protobuf.ByteString.copyFrom(built.engineResult()));
      built.layers().forEach(d -> result.addLayers(ProtoDescriptors.of(d)));
      extra.forEach(d -> result.addExtraBlobs(ProtoDescriptors.of(d)));
      built.stageNanos().forEach((s, n) -> result.putStageNanos(s.name().toLowerCase(java.util.Locale.ROOT), n));
      if (pushNanos > 0) {
        result.putStageNanos("push", pushNanos);
      }
      finish(r);
      send(WorkerMessage.newBuilder().setResult(result).build());
      log.info("worker {}: task {} done in {} ms: {}", identity.id(), r.ref.getTaskId(),
          (System.nanoTime() - start) / 1_000_000, built.manifest().digest());
    } catch (InterruptedException | java.io.InterruptedIOException | java.nio.channels.ClosedByInterruptException e) {
      finish(r);
      fail(r.ref, "cancelled: " + (r.cancelReason == null ? "interrupted" : r.cancelReason), false);
    } catch (BadInputException e) {
      finish(r);
      fail(r.ref, e.getMessage(), true);
    } catch (Exception | LinkageError e) {
      finish(r);
      if (r.cancelReason != null) {
        fail(r.ref, "cancelled: " + r.cancelReason, false);
      } else {
        log.warn("worker {}: task {} failed", identity.id(), r.ref.getTaskId(), e);
        fail(r.ref, e.getMessage() == null ? e.toString() : e.getMessage(), false);
      }
    }
  }

  private void finish(Running r) {
    running.remove(r.ref.getTaskId(), r);
    completed.incrementAndGet();
  }

  private void upload(BuiltTask built, java.util.Collection<String> digests) throws java.io.IOException {
    List<String> missing = blobs.missing(new ArrayList<>(digests));
    for (String digest : missing) {
      blobs.upload(digest, built.files().get(digest), List.of());
    }
  }

  private void progress(Running r, BuildStage stage, long done, long total, String detail) {
    long now = System.currentTimeMillis();
    if (stage == r.lastStage && now - r.lastProgressMillis < PROGRESS_INTERVAL_MILLIS && done < total) {
      return;
    }
    r.lastStage = stage;
    r.lastProgressMillis = now;
    send(WorkerMessage.newBuilder().setProgress(WorkerProgress.newBuilder().setTask(r.ref)
        .setStage(dev.apkofarm.proto.v1.Stage.valueOf("STAGE_" + stage.name())).setDone(done).setTotal(total)
        .setDetail(detail == null ? "" : detail)).build());
  }

  private void fail(TaskRef ref, String reason, boolean permanent) {
    send(WorkerMessage.newBuilder().setFailure(TaskFailure.newBuilder().setTask(ref).setReason(reason)
        .setPermanent(permanent)).build());
    log.info("worker {}: task {} (attempt {}) {}", identity.id(), ref.getTaskId(), ref.getAttempt(),
        permanent ? "failed: " + reason : reason);
  }

  private void cancel(TaskRef ref, String reason) {
    Running r = running.get(ref.getTaskId());
    if (r != null && r.ref.getAttempt() == ref.getAttempt()) {
      r.cancelReason = reason;
      Future<?> f = r.future;
      if (f != null) {
        f.cancel(true);
      }
    }
  }

  /**
   * Takes no new task, lets running ones finish for up to {@code grace}, then cancels and hands back the rest.
   *
   * @return the number of tasks handed back
   */
  public int drain(Duration grace) {
    draining = true;
    send(WorkerMessage.newBuilder().setDraining(Draining.getDefaultInstance()).build());
    log.info("worker {} draining: {} task(s) running", identity.id(), running.size());
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
    List<Running> left = List.copyOf(running.values());
    if (!left.isEmpty()) {
      Draining.Builder d = Draining.newBuilder();
      for (Running r : left) {
        r.cancelReason = "worker draining";
        running.remove(r.ref.getTaskId());
        if (r.future != null) {
          r.future.cancel(true);
        }
        d.addHandedBack(r.ref);
      }
      send(WorkerMessage.newBuilder().setDraining(d).build());
    }
    return left.size();
  }

  /** Drains (see {@link #drain}) with {@code grace}, then ends the stream and stops. */
  public void shutdown(Duration grace) {
    int handedBack = drain(grace);
    synchronized (this) {
      stopped = true;
      if (stream != null) {
        try {
          stream.onCompleted();
        } catch (RuntimeException ignored) {
          // already broken
        }
        stream = null;
      }
    }
    timer.shutdownNow();
    slots.shutdownNow();
    log.info("worker {} stopped ({} task(s) handed back)", identity.id(), handedBack);
  }

  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }

  /** A task on this worker. */
  private static final class Running {
    final TaskRef ref;
    final AssignedTask task;
    volatile Future<?> future;
    volatile String cancelReason;
    BuildStage lastStage;
    long lastProgressMillis;

    Running(TaskRef ref, AssignedTask task) {
      this.ref = ref;
      this.task = task;
    }

    TaskRef ref() {
      return ref;
    }
  }

  /** Core descriptors to the wire. */
  static final class ProtoDescriptors {
    private ProtoDescriptors() {}

    static dev.apkofarm.proto.v1.Descriptor of(Descriptor d) {
      var b = dev.apkofarm.proto.v1.Descriptor.newBuilder().setMediaType(d.mediaType())
          .setDigest(d.digest().toString()).setSize(d.size()).putAllAnnotations(d.annotations());
      d.platform().ifPresent(p -> b.setPlatform(dev.apkofarm.proto.v1.Platform.newBuilder().setOs(p.os())
          .setArchitecture(p.architecture()).setVariant(p.variant().orElse(""))));
      d.artifactType().ifPresent(b::setArtifactType);
      return b.build();
    }
  }
}
