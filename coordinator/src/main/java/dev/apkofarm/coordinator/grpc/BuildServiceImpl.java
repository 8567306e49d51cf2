package dev.apkofarm.coordinator.grpc;

import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.scheduler.EventSink;
import dev.apkofarm.coordinator.scheduler.JobRequest;
import dev.apkofarm.coordinator.scheduler.Scheduler;
import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.CancelRequest;
import dev.apkofarm.proto.v1.GetJobRequest;
import dev.apkofarm.proto.v1.Job;
import dev.apkofarm.proto.v1.ListJobsRequest;
import dev.apkofarm.proto.v1.ListJobsResponse;
import dev.apkofarm.proto.v1.SubmitRequest;
import dev.apkofarm.proto.v1.WatchRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** The client-facing service: a thin adapter over the {@link Scheduler}. */
public final class BuildServiceImpl extends BuildServiceGrpc.BuildServiceImplBase {
  private final Scheduler scheduler;

  public BuildServiceImpl(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public void submit(SubmitRequest request, StreamObserver<Job> out) {
    JobRequest job;
    try {
      job = ProtoMapper.jobRequest(request);
    } catch (RuntimeException e) {
      out.onError(Statuses.of(e));
      return;
    }
    scheduler.submit(job)
        .thenCompose(j -> scheduler.job(j.id()))
        .whenComplete((v, e) -> {
          if (e != null) {
            out.onError(Statuses.of(e));
          } else {
            out.onNext(ProtoMapper.job(v));
            out.onCompleted();
          }
        });
  }

  @Override
  public void cancel(CancelRequest request, StreamObserver<Job> out) {
    scheduler.cancel(request.getJobId(), request.getReason())
        .thenCompose(j -> scheduler.job(j.id()))
        .whenComplete((v, e) -> reply(out, v == null ? null : ProtoMapper.job(v), e));
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<Job> out) {
    scheduler.job(request.getJobId()).whenComplete((v, e) -> reply(out, v == null ? null : ProtoMapper.job(v), e));
  }

  @Override
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> out) {
    scheduler.jobs(request.getIncludeFinished()).whenComplete((v, e) -> {
      ListJobsResponse.Builder b = ListJobsResponse.newBuilder();
      if (v != null) {
        v.forEach(j -> b.addJobs(ProtoMapper.job(j)));
      }
      reply(out, b.build(), e);
    });
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<dev.apkofarm.proto.v1.JobEvent> plain) {
    ServerCallStreamObserver<dev.apkofarm.proto.v1.JobEvent> out =
        (ServerCallStreamObserver<dev.apkofarm.proto.v1.JobEvent>) plain;
    AtomicReference<Scheduler.Subscription> sub = new AtomicReference<>();
    AtomicBoolean gone = new AtomicBoolean();
    out.setOnCancelHandler(() -> {
      gone.set(true);
      Scheduler.Subscription s = sub.get();
      if (s != null) {
        s.close();
      }
    });
    EventSink sink = new EventSink() {
      @Override
      public void onEvent(JobEvent event) {
        if (!gone.get()) {
          out.onNext(ProtoMapper.event(event));
        }
      }

      @Override
      public void onEnd() {
        if (!gone.getAndSet(true)) {
          out.onCompleted();
        }
      }
    };
    scheduler.watch(request.getJobId(), request.getFromSeq(), sink).whenComplete((s, e) -> {
      if (e != null) {
        if (!gone.getAndSet(true)) {
          out.onError(Statuses.of(e));
        }
        return;
      }
      sub.set(s);
      if (gone.get()) {
        s.close();
      }
    });
  }

  private static <T> void reply(StreamObserver<T> out, T value, Throwable e) {
    if (e != null) {
      out.onError(Statuses.of(e));
    } else {
      out.onNext(value);
      out.onCompleted();
    }
  }
}
