package dev.apkofarm.client.farm;

import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.JobEvent;
import dev.apkofarm.proto.v1.WatchRequest;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Follows a job's events to its end, re-attaching with {@code from_seq} after the last event seen when the stream
 * breaks (coordinator restart, network blip), so no event is lost or shown twice.
 */
public final class JobFollower {
  private final Channel channel;
  private final Duration reattachFor;

  public JobFollower(Channel channel, Duration reattachFor) {
    this.channel = channel;
    this.reattachFor = reattachFor;
  }

  /**
   * Delivers every event from {@code fromSeq} on to {@code sink} until the job's last event.
   *
   * @return the last event (job done or failed)
   */
  public JobEvent follow(String jobId, long fromSeq, Consumer<JobEvent> sink) {
    long next = Math.max(1, fromSeq);
    long brokenSince = 0;
    while (true) {
      try {
        Iterator<JobEvent> it = BuildServiceGrpc.newBlockingStub(channel).withWaitForReady()
            .watch(WatchRequest.newBuilder().setJobId(jobId).setFromSeq(next).build());
        while (it.hasNext()) {
          JobEvent e = it.next();
          brokenSince = 0;
          if (e.getSeq() < next) {
            continue;
          }
          next = e.getSeq() + 1;
          sink.accept(e);
          if (e.hasJobDone() || e.hasJobFailed()) {
            return e;
          }
        }
        throw Status.UNAVAILABLE.withDescription("the event stream ended before the job").asRuntimeException();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code != Status.Code.UNAVAILABLE && code != Status.Code.INTERNAL && code != Status.Code.UNKNOWN) {
          throw e;
        }
        long now = System.nanoTime();
        if (brokenSince == 0) {
          brokenSince = now;
        } else if (now - brokenSince > reattachFor.toNanos()) {
          throw e;
        }
      }
    }
  }
}
