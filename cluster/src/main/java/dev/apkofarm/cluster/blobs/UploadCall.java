package dev.apkofarm.cluster.blobs;

import com.google.protobuf.UnsafeByteOperations;
import dev.apkofarm.proto.v1.BlobServiceGrpc;
import dev.apkofarm.proto.v1.UploadChunk;
import dev.apkofarm.proto.v1.UploadResponse;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code BlobService.Upload} call: chunks sent as fast as the transport takes them (a sender waits while gRPC
 * holds {@link BlobTransfer#IN_FLIGHT} bytes, never more), the digest and size in the first chunk, or, when the sender
 * learns them only as it finishes (a blob streamed while it is written), in the last.
 */
final class UploadCall {
  private final CompletableFuture<UploadResponse> done = new CompletableFuture<>();
  private final Semaphore ready = new Semaphore(0);
  private final ClientCallStreamObserver<UploadChunk> requests;
  private final String what;
  private long offset;
  private boolean started;
  private boolean announced;

  /** The key readers may follow this upload by before its digest is known (sent with the first chunk), or empty. */
  private final String followKey;
  /** The key the coordinator keeps this upload's bytes under for a resumption (sent with the first chunk), or empty. */
  private final String resumeKey;

  /**
   * @param what names the blob in messages
   * @param followKey sent with the first chunk: readers may follow the upload by it (empty: none)
   * @param resumeKey sent with the first chunk: the upload is resumable by it (empty: not)
   * @param offset the byte the first chunk starts at: above 0 only for a resumption of {@code resumeKey}
   */
  UploadCall(Channel channel, String what, String followKey, String resumeKey, long offset) {
    if (offset > 0 && resumeKey.isEmpty()) {
      throw new IllegalArgumentException("only a resumable upload starts past byte 0");
    }
    this.what = what;
    this.followKey = followKey;
    this.resumeKey = resumeKey;
    this.offset = offset;
    ClientResponseObserver<UploadChunk, UploadResponse> responses = new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<UploadChunk> r) {
        r.setOnReadyHandler(ready::release);
      }

      @Override
      public void onNext(UploadResponse r) {
        done.complete(r);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
        ready.release();
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    };
    this.requests = (ClientCallStreamObserver<UploadChunk>) BlobServiceGrpc.newStub(channel)
        .withOnReadyThreshold(BlobTransfer.IN_FLIGHT).upload(responses);
  }

  /** Whether the server has ended the call (refused the upload, or failed). */
  boolean ended() {
    return done.isDone();
  }

  /**
   * Sends {@code bytes} (which the call keeps: the caller never touches the array again) as the next chunk, the
   * blob's digest, size and cache keys with it when {@code header} is given; waits first while the transport is not
   * ready, at most {@code patience}.
   *
   * @return false when the server ended the call meanwhile (its reason comes from {@link #finish})
   * @throws IOException when the transport stays busy longer than {@code patience}
   */
  boolean send(byte[] bytes, int length, Optional<Header> header, Duration patience) throws IOException {
    long deadline = System.nanoTime() + patience.toNanos();
    try {
      while (!requests.isReady() && !done.isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException(what + ": the coordinator took nothing for " + patience.toSeconds() + " s");
        }
        ready.tryAcquire(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel("interrupted");
      throw new InterruptedIOException(what + " interrupted");
    }
    if (done.isDone()) {
      return false;
    }
    UploadChunk.Builder c = UploadChunk.newBuilder().setOffset(offset)
        .setData(UnsafeByteOperations.unsafeWrap(bytes, 0, length));
    header.ifPresent(h -> c.setDigest(h.digest()).setSize(h.size()).addAllCacheKeys(h.cacheKeys()));
    if (!started && !followKey.isEmpty()) {
      c.setFollowKey(followKey);
    }
    if (!started && !resumeKey.isEmpty()) {
      c.setResumeKey(resumeKey);
    }
    requests.onNext(c.build());
    announced |= header.isPresent();
    offset += length;
    started = true;
    return true;
  }

  /** Whether a chunk with the blob's digest and size was sent. */
  boolean announced() {
    return announced;
  }

  /** The key this upload is resumable by, or empty. */
  String resumeKey() {
    return resumeKey;
  }

  /** Whether a chunk was sent. */
  boolean started() {
    return started;
  }

  /** Ends the upload and waits for the server's verdict on the blob. */
  UploadResponse finish(Duration patience) throws IOException {
    try {
      if (!done.isDone()) {
        requests.onCompleted();
      }
      UploadResponse r = done.get(patience.toMillis(), TimeUnit.MILLISECONDS);
      if (r == null) {
        throw new IOException(what + " was not confirmed");
      }
      return r;
    } catch (InterruptedException e) {
      cancel("interrupted");
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(what + " interrupted");
    } catch (ExecutionException e) {
      throw new IOException(what + " refused: " + BlobTransfer.describe(e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      cancel("timeout");
      throw new IOException(what + " timed out", e);
    }
  }

  /**
   * Ends the call at once, for a sender that cannot go on (the transport is busy or broken, it was interrupted): the
   * server keeps what it received of a resumable upload, for the next upload of the blob to resume.
   */
  void cancel(String why) {
    requests.cancel(why, null);
  }

  /**
   * Gives the upload up (a cancelled build): the server drops what it received, resumable or not. Said in a last
   * chunk, since a cancel looks to the server like a broken connection; when that chunk cannot go out, the call is
   * cancelled and the server's sweep takes what it kept.
   */
  void abandon(String why) {
    if (started && !done.isDone()) {
      try {
        requests.onNext(UploadChunk.newBuilder().setOffset(offset).setAbandon(true).build());
        requests.onCompleted(); // the server answers by ending the call
        return;
      } catch (RuntimeException e) {
        // the call ended meanwhile: cancelled below
      }
    }
    requests.cancel(why, null);
  }

  /**
   * What a chunk says about its blob.
   *
   * @param digest sha256:hex
   * @param size its length
   * @param cacheKeys package cache keys to store it under too (first chunk only)
   */
  record Header(String digest, long size, List<String> cacheKeys) {}
}
