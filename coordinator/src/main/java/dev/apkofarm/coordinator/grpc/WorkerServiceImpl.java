package dev.apkofarm.coordinator.grpc;

import dev.apkofarm.coordinator.scheduler.Scheduler;
import dev.apkofarm.coordinator.scheduler.TaskReport;
import dev.apkofarm.coordinator.scheduler.WorkerCommand;
import dev.apkofarm.coordinator.scheduler.WorkerHandle;
import dev.apkofarm.coordinator.scheduler.WorkerInfo;
import dev.apkofarm.coordinator.scheduler.WorkerLink;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.proto.v1.ClusterInfo;
import dev.apkofarm.proto.v1.CoordinatorMessage;
import dev.apkofarm.proto.v1.GetClusterInfoRequest;
import dev.apkofarm.proto.v1.Hello;
import dev.apkofarm.proto.v1.ReportTaken;
import dev.apkofarm.proto.v1.Welcome;
import dev.apkofarm.proto.v1.WorkerMessage;
import dev.apkofarm.proto.v1.WorkerServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Supplier;

/** The worker-facing service: one {@code Synchronize} stream per worker, translated to scheduler calls. */
public final class WorkerServiceImpl extends WorkerServiceGrpc.WorkerServiceImplBase {
  private final Scheduler scheduler;
  private final Supplier<ClusterInfo> clusterInfo;

  public WorkerServiceImpl(Scheduler scheduler, Supplier<ClusterInfo> clusterInfo) {
    this.scheduler = scheduler;
    this.clusterInfo = clusterInfo;
  }

  @Override
  public void getClusterInfo(GetClusterInfoRequest request, StreamObserver<ClusterInfo> out) {
    out.onNext(clusterInfo.get());
    out.onCompleted();
  }

  @Override
  public StreamObserver<WorkerMessage> synchronize(StreamObserver<CoordinatorMessage> out) {
    return new Stream(out);
  }

  /** One worker's stream: the first message must be Hello. */
  private final class Stream implements StreamObserver<WorkerMessage>, WorkerLink {
    private final StreamObserver<CoordinatorMessage> out;
    private WorkerHandle handle;
    private boolean closed;

    Stream(StreamObserver<CoordinatorMessage> out) {
      this.out = out;
    }

    @Override
    public void onNext(WorkerMessage m) {
      if (handle == null) {
        if (!m.hasHello()) {
          fail(Status.FAILED_PRECONDITION.withDescription("the first message of Synchronize must be Hello"));
          return;
        }
        hello(m.getHello());
        return;
      }
      String worker = handle.workerId();
      switch (m.getKindCase()) {
        case HEARTBEAT -> handle.heard();
        case PROGRESS -> {
          var p = m.getProgress();
          handle.report(new TaskReport.Progress(p.getTask().getTaskId(), p.getTask().getAttempt(),
              ProtoMapper.stage(p.getStage()), p.getDone(), p.getTotal(), p.getDetail()));
        }
        case RESULT -> {
          TaskReport report;
          try {
            report = ProtoMapper.completed(m.getResult(), worker);
          } catch (RuntimeException e) {
            report = new TaskReport.Failed(m.getResult().getTask().getTaskId(),
                m.getResult().getTask().getAttempt(), "malformed result: " + e.getMessage(), false);
          }
          taken(handle.report(report), m.getResult().getTask());
        }
        case FAILURE -> {
          var f = m.getFailure();
          taken(handle.report(new TaskReport.Failed(f.getTask().getTaskId(), f.getTask().getAttempt(), f.getReason(),
              f.getPermanent())), f.getTask());
        }
        case DRAINING -> handle.draining(m.getDraining().getHandedBackList().stream()
            .map(r -> new Scheduler.TaskRef(r.getTaskId(), r.getAttempt())).toList());
        case HELLO -> fail(Status.FAILED_PRECONDITION.withDescription("Hello twice on one stream"));
        default -> handle.heard();
      }
    }

    /** Once the scheduler has processed a result or failure, the worker may forget it. */
    private void taken(java.util.concurrent.CompletableFuture<Void> processed, dev.apkofarm.proto.v1.TaskRef ref) {
      processed.thenRun(() -> {
        synchronized (this) {
          if (!closed) {
            try {
              out.onNext(CoordinatorMessage.newBuilder().setTaken(ReportTaken.newBuilder().setTask(ref)).build());
            } catch (RuntimeException e) {
              closed = true; // cancelled under us: the worker sends the report again on its next stream
            }
          }
        }
      });
    }

    private void hello(Hello h) {
      WorkerInfo info;
      try {
        Arch arch = Arch.parse(h.getNativeArch()).orElseThrow(
            () -> new IllegalArgumentException("worker " + h.getWorkerId() + ": unknown arch " + h.getNativeArch()));
        info = new WorkerInfo(h.getWorkerId(), arch, h.getSlots(), h.getVersion());
      } catch (IllegalArgumentException e) {
        fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        return;
      }
      synchronized (this) {
        out.onNext(CoordinatorMessage.newBuilder().setWelcome(Welcome.newBuilder()
            .setLeaseMillis(scheduler.config().lease().toMillis())
            .setHeartbeatMillis(scheduler.config().heartbeat().toMillis())).build());
      }
      List<Scheduler.TaskRef> running = h.getRunningList().stream()
          .map(r -> new Scheduler.TaskRef(r.getTaskId(), r.getAttempt())).toList();
      handle = scheduler.connect(info, running, this);
    }

    private synchronized void fail(Status s) {
      if (!closed) {
        closed = true;
        out.onError(s.asRuntimeException());
      }
    }

    @Override
    public void onError(Throwable t) {
      gone();
    }

    @Override
    public void onCompleted() {
      gone();
      close();
    }

    private void gone() {
      if (handle != null) {
        handle.disconnected();
      }
    }

    // ---- WorkerLink: called on the scheduler's thread

    @Override
    public synchronized void send(WorkerCommand command) {
      if (!closed) {
        try {
          out.onNext(ProtoMapper.command(command));
        } catch (RuntimeException e) {
          closed = true; // the call was cancelled under us; the disconnect follows
        }
      }
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        try {
          out.onCompleted();
        } catch (RuntimeException ignored) {
          // already cancelled by the worker's side
        }
      }
    }
  }
}
