package dev.apkofarm.worker.grpc;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.proto.v1.Assign;
import dev.apkofarm.proto.v1.CoordinatorMessage;
import dev.apkofarm.proto.v1.Heartbeat;
import dev.apkofarm.proto.v1.Hello;
import dev.apkofarm.proto.v1.WorkerMessage;
import dev.apkofarm.proto.v1.WorkerServiceGrpc;
import dev.apkofarm.worker.pipeline.AssignedTask;
import dev.apkofarm.worker.pipeline.BuildStage;
import dev.apkofarm.worker.pipeline.BuiltTask;
import dev.apkofarm.worker.pipeline.Reporter;
import dev.apkofarm.worker.pipeline.TaskId;
import dev.apkofarm.worker.pipeline.TaskRunner;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of {@code Synchronize}: one stream to the coordinator, kept open (reconnecting with backoff when it
 * breaks, or when the coordinator asks it to come back later). It says hello (listing the attempts still running
 * here, so a restarted coordinator lets them finish), heartbeats when idle, carries the runner's reports and hands
 * the coordinator's assignments, cancellations and drain requests to the runner. A result or failure is kept until
 * the coordinator says it has taken it ({@code ReportTaken}) and is sent again on the next stream otherwise: a report
 * written to a stream that broke a moment later is not lost, and a finished attempt is never forgotten.
 *
 * <p>Everything that touches the stream and the reports runs on one thread ({@code sync-io}), and gRPC's callbacks
 * only hand work to it: no lock is ever held while gRPC is called, so a transport that calls back on the calling
 * thread (in-process, direct executor) cannot deadlock against it.
 */
public final class CoordinatorConnection implements Reporter, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorConnection.class);

  /**
   * Who this worker is.
   *
   * @param id unique per process
   * @param arch its native arch
   * @param slots tasks at once
   * @param version its engine version
   */
  public record Identity(String id, Arch arch, int slots, String version) {}

  private final Channel channel;
  private final WorkerServiceGrpc.WorkerServiceStub stub;
  private final Identity identity;
  private final ScheduledExecutorService timer;
  private final ExecutorService io;
  private volatile TaskRunner runner;
  private volatile long heartbeatMillis = 5_000;
  private volatile boolean stopped;

  // Confined to the io thread.
  private final Deque<WorkerMessage> unsent = new ArrayDeque<>();
  /** Results and failures written to the current stream, until the coordinator confirms them. */
  private final Map<TaskId, WorkerMessage> unconfirmed = new LinkedHashMap<>();
  private StreamObserver<WorkerMessage> stream;
  private long lastSentMillis;
  private int failures;

  public CoordinatorConnection(Channel channel, Identity identity) {
    this.channel = channel;
    this.stub = WorkerServiceGrpc.newStub(channel);
    this.identity = identity;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sync-timer"));
    this.io = Executors.newSingleThreadExecutor(r -> daemon(r, "sync-io"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Connects, feeding assignments to {@code tasks}, and keeps connected until {@link #close()}. */
  public void start(TaskRunner tasks) {
    this.runner = tasks;
    timer.scheduleWithFixedDelay(() -> onIo(this::heartbeat), 500, 500, TimeUnit.MILLISECONDS);
    io.execute(this::connect);
  }

  /** Results and failures the coordinator has not confirmed yet (0 once it took everything the runner reported). */
  public int pendingReports() {
    try {
      return io.submit(() -> unsent.size() + unconfirmed.size()).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    } catch (ExecutionException | java.util.concurrent.RejectedExecutionException e) {
      return -1;
    }
  }

  // ---------------------------------------------------------------- the io thread

  private void connect() {
    if (stopped) {
      return;
    }
    if (channel instanceof ManagedChannel managed) {
      // We are about to try again on our own schedule: the channel need not wait out its own backoff (up to two
      // minutes after a long outage), or a restarted coordinator would wait that long for its workers.
      managed.resetConnectBackoff();
    }
    // Whatever the last stream did not confirm goes again, on this one.
    unsent.addAll(unconfirmed.values());
    unconfirmed.clear();
    Hello.Builder hello = Hello.newBuilder().setWorkerId(identity.id()).setNativeArch(identity.arch().ociName())
        .setSlots(identity.slots()).setVersion(identity.version());
    runner.runningRefs().forEach(r -> hello.addRunning(TaskMessages.ref(r)));
    for (WorkerMessage m : unsent) {
      hello.addRunning(TaskMessages.ref(reportOf(m)));
    }
    Responses responses = new Responses();
    stream = stub.synchronize(responses);
    write(WorkerMessage.newBuilder().setHello(hello).build());
    while (!unsent.isEmpty() && stream != null) {
      write(unsent.poll());
    }
  }

  /** Writes {@code m} to the current stream; a report that cannot go now waits for the next one. */
  private void write(WorkerMessage m) {
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
      if (mustArrive) {
        unconfirmed.put(reportOf(m), m);
      }
    } catch (RuntimeException e) {
      if (mustArrive) {
        unsent.add(m);
      }
    }
  }

  private static TaskId reportOf(WorkerMessage m) {
    return TaskMessages.ref(m.hasResult() ? m.getResult().getTask() : m.getFailure().getTask());
  }

  /** The coordinator took the report of {@code ref}: forget it. */
  private void taken(TaskId ref) {
    unconfirmed.remove(ref);
    unsent.removeIf(m -> reportOf(m).equals(ref));
  }

  private void heartbeat() {
    if (stream != null && System.currentTimeMillis() - lastSentMillis >= heartbeatMillis) {
      write(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
    }
  }

  private void lost(StreamObserver<WorkerMessage> which, String why) {
    if (stream != which || which == null) {
      return; // an old stream
    }
    stream = null;
    if (stopped) {
      return;
    }
    failures++;
    // Capped low: a restarting coordinator is back in seconds, and a failed attempt costs one connect.
    long delay = Math.min(4_000, 250L << Math.min(failures, 7));
    log.info("worker {}: coordinator stream ended ({}); reconnecting in {} ms", identity.id(), why, delay);
    retry(delay);
  }

  private void retry(long delayMillis) {
    if (!stopped) {
      timer.schedule(() -> onIo(this::connect), delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** Hands {@code work} to the io thread; after {@link #close()} there is nothing left to do it for. */
  private void onIo(Runnable work) {
    try {
      io.execute(work);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: the coordinator hears of what was not sent from the attempt's lease ending
    }
  }

  // ---------------------------------------------------------------- Reporter (any thread)

  @Override
  public void progress(TaskId ref, BuildStage stage, long done, long total, String detail) {
    onIo(() -> write(TaskMessages.progress(ref, stage, done, total, detail)));
  }

  @Override
  public void succeeded(TaskId ref, BuiltTask built) {
    WorkerMessage m = TaskMessages.result(ref, built);
    onIo(() -> write(m));
  }

  @Override
  public void failed(TaskId ref, String reason, boolean permanent) {
    WorkerMessage m = TaskMessages.failure(ref, reason, permanent);
    onIo(() -> write(m));
  }

  @Override
  public void draining(List<TaskId> handedBack) {
    WorkerMessage m = TaskMessages.draining(handedBack);
    onIo(() -> write(m));
  }

  // ---------------------------------------------------------------- the coordinator's side (gRPC's threads)

  /** Receives one stream's coordinator messages and hands them on; never blocks on the io thread. */
  private final class Responses implements ClientResponseObserver<WorkerMessage, CoordinatorMessage> {
    /** The request side of this stream, known before the call can report anything. */
    private volatile ClientCallStreamObserver<WorkerMessage> own;

    @Override
    public void beforeStart(ClientCallStreamObserver<WorkerMessage> requests) {
      own = requests;
    }

    @Override
    public void onNext(CoordinatorMessage m) {
      switch (m.getKindCase()) {
        case WELCOME -> {
          heartbeatMillis = Math.max(100, m.getWelcome().getHeartbeatMillis());
          onIo(() -> failures = 0);
          log.info("worker {} registered: arch {}, {} slot(s), lease {} ms", identity.id(), identity.arch(),
              identity.slots(), m.getWelcome().getLeaseMillis());
        }
        case ASSIGN -> assign(m.getAssign());
        case TAKEN -> {
          TaskId ref = TaskMessages.ref(m.getTaken().getTask());
          onIo(() -> taken(ref));
        }
        case CANCEL -> runner.cancel(TaskMessages.ref(m.getCancel().getTask()), m.getCancel().getReason());
        case DRAIN -> timer.execute(() -> runner.drain(Duration.ofMinutes(10)));
        case COME_BACK_AT -> {
          long delay = Math.max(0, m.getComeBackAt().getAtMillis() - System.currentTimeMillis());
          log.info("worker {}: coordinator asks to come back in {} ms ({})", identity.id(), delay,
              m.getComeBackAt().getReason());
          onIo(() -> {
            if (stream == own && own != null) {
              stream = null;
              own.onCompleted();
              retry(delay);
            }
          });
        }
        default -> { }
      }
    }

    @Override
    public void onError(Throwable t) {
      onIo(() -> lost(own, t.getMessage()));
    }

    @Override
    public void onCompleted() {
      onIo(() -> lost(own, "closed by the coordinator"));
    }
  }

  private void assign(Assign a) {
    AssignedTask task;
    try {
      task = TaskMessages.task(a.getTask());
    } catch (RuntimeException e) {
      failed(TaskMessages.ref(a.getTask().getRef()), "malformed assignment: " + e.getMessage(), true);
      return;
    }
    if (stopped) {
      draining(List.of(task.ref()));
      return;
    }
    runner.assign(task);
  }

  /** Ends the stream (after the runner has drained) and stops reconnecting. */
  @Override
  public void close() {
    stopped = true;
    io.execute(() -> {
      if (stream != null) {
        try {
          stream.onCompleted();
        } catch (RuntimeException ignored) {
          // already broken
        }
        stream = null;
      }
    });
    timer.shutdownNow();
    io.shutdown();
    try {
      io.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
