package dev.apkofarm.cluster.testing;

import dev.apkofarm.proto.v1.BlobServiceGrpc;
import dev.apkofarm.proto.v1.UploadChunk;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Server interceptors on {@code BlobService.Upload} for tests of uploads that a coordinator's death breaks off: one
 * that lets a few chunks through and then stalls the upload (so the break comes at a known byte, without timing), and
 * one that records what each upload call carried.
 */
public final class UploadInterceptors {
  private UploadInterceptors() {}

  /**
   * What one upload call brought: the offset of its first chunk (-1 before one came) and its data bytes.
   */
  public static final class Call {
    private volatile long firstOffset = -1;
    private volatile long bytes;

    public long firstOffset() {
      return firstOffset;
    }

    public long bytes() {
      return bytes;
    }
  }

  /**
   * Lets the first {@code chunks} chunks of each upload reach the service (each is in the store's temp file once it
   * returns), counts {@code taken} down after the last of them, and then swallows the rest and never confirms: an
   * upload that stalls until the coordinator dies.
   */
  public static ServerInterceptor stallingAfter(int chunks, CountDownLatch taken) {
    return new OnUploads() {
      @Override
      <Q, R> ServerCall.Listener<Q> upload(ServerCall<Q, R> call, ServerCall.Listener<Q> delegate) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
          private int seen;

          @Override
          public void onMessage(Q message) {
            if (++seen <= chunks) {
              super.onMessage(message);
              if (seen == chunks) {
                taken.countDown();
              }
            }
            call.request(1); // keep the client sending into nowhere
          }

          @Override
          public void onHalfClose() {
            // never confirmed: the coordinator dies first
          }
        };
      }
    };
  }

  /** Adds a {@link Call} to {@code calls} for every upload call, filled in as its chunks pass. */
  public static ServerInterceptor recording(List<Call> calls) {
    return new OnUploads() {
      @Override
      <Q, R> ServerCall.Listener<Q> upload(ServerCall<Q, R> call, ServerCall.Listener<Q> delegate) {
        Call record = new Call();
        calls.add(record);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
          @Override
          public void onMessage(Q message) {
            UploadChunk c = (UploadChunk) message;
            if (record.firstOffset < 0) {
              record.firstOffset = c.getOffset();
            }
            record.bytes += c.getData().size();
            super.onMessage(message);
          }
        };
      }
    };
  }

  /** An interceptor of upload calls only: every other call passes as it is. */
  private abstract static class OnUploads implements ServerInterceptor {
    @Override
    public final <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      ServerCall.Listener<Q> delegate = next.startCall(call, headers);
      return call.getMethodDescriptor().equals(BlobServiceGrpc.getUploadMethod()) ? upload(call, delegate) : delegate;
    }

    /** The listener of an upload call, in front of the service's {@code delegate}. */
    abstract <Q, R> ServerCall.Listener<Q> upload(ServerCall<Q, R> call, ServerCall.Listener<Q> delegate);
  }
}
