package dev.apkofarm.coordinator.grpc;

import dev.apkofarm.cluster.blobs.DownloadPump;
import dev.apkofarm.coordinator.blobs.ArrivingBlob;
import dev.apkofarm.proto.v1.DownloadChunk;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The sending side of a {@code Download} of a blob still arriving (a package its client ships while the worker
 * already builds): a thread of its own, since its reads wait for the upload (a gRPC callback must not block), that
 * sends chunks as the upload writes them and only while the transport is ready (at most the pump's in-flight bytes
 * queued), and completes only once the upload was verified. When the upload fails, the download fails with it, and
 * the reader (who verifies what it receives anyway) is told why.
 */
final class FollowingDownload implements Runnable {
  /** A pause after which a waiting sender looks whether the call was cancelled (it is woken at once otherwise). */
  private static final long LOOK_MS = 1000;

  private final ArrivingBlob in;
  private final String digest;
  private final ServerCallStreamObserver<DownloadChunk> out;
  private final Semaphore ready = new Semaphore(0);
  private volatile boolean cancelled;
  private long offset;

  private FollowingDownload(ArrivingBlob in, String digest, long offset, ServerCallStreamObserver<DownloadChunk> out) {
    this.in = in;
    this.digest = digest;
    this.offset = offset;
    this.out = out;
  }

  /** Starts sending {@code in} (positioned at {@code offset}) down {@code out}, on a thread of its own. */
  static void start(ArrivingBlob in, String digest, long offset, ServerCallStreamObserver<DownloadChunk> out) {
    FollowingDownload d = new FollowingDownload(in, digest, offset, out);
    out.setOnReadyThreshold(DownloadPump.IN_FLIGHT);
    out.setOnReadyHandler(d.ready::release);
    out.setOnCancelHandler(() -> {
      d.cancelled = true;
      d.ready.release();
      try {
        in.close(); // wakes a read waiting for the upload
      } catch (IOException ignored) {
        // nothing more is read from it either way
      }
    });
    Thread t = new Thread(d, "download-arriving-" + digest.substring(Math.max(0, digest.length() - 12)));
    t.setDaemon(true);
    t.start();
  }

  /** Waits until the transport takes another chunk; false when the call was cancelled meanwhile. */
  private boolean awaitReady() throws InterruptedException {
    while (!out.isReady()) {
      if (cancelled) {
        return false;
      }
      ready.tryAcquire(LOOK_MS, TimeUnit.MILLISECONDS);
    }
    return true;
  }

  /**
   * An upload followed by key: its size and digest come at its end, so chunks go until the stored blob's end, and a
   * last, empty chunk names the digest and size (the reader checks both against what it received).
   */
  private void followUnsized(ArrivingBlob blob) throws IOException, InterruptedException {
    while (true) {
      if (!awaitReady()) {
        return;
      }
      byte[] buf = blob.readNBytes(DownloadPump.CHUNK);
      if (cancelled) {
        return;
      }
      if (buf.length > 0) {
        out.onNext(DownloadPump.chunk(offset, buf, false, 0));
        offset += buf.length;
      }
      if (buf.length < DownloadPump.CHUNK) { // the end, which only a verified, stored blob reaches
        out.onNext(DownloadChunk.newBuilder().setOffset(offset).setSize(offset).setDigest(blob.digest()).build());
        out.onCompleted();
        return;
      }
    }
  }

  @Override
  public void run() {
    try (ArrivingBlob blob = in) {
      long size = blob.size();
      if (size < 0) {
        followUnsized(blob);
        return;
      }
      if (offset > size) {
        out.onError(Status.OUT_OF_RANGE.withDescription("offset " + offset + " is outside " + digest + " (" + size
            + " bytes)").asRuntimeException());
        return;
      }
      boolean first = true;
      while (true) {
        if (!awaitReady()) {
          return;
        }
        byte[] buf = blob.readNBytes((int) Math.min(DownloadPump.CHUNK, size - offset));
        if (cancelled) {
          return;
        }
        out.onNext(DownloadPump.chunk(offset, buf, first, size)); // buf is ours alone: handed over
        first = false;
        offset += buf.length;
        if (offset >= size) {
          // The last byte may come before the upload's verdict: only a verified, stored blob ends the download.
          if (blob.read() != -1) {
            throw new IOException(digest + " has more bytes than the " + size + " announced");
          }
          out.onCompleted();
          return;
        }
        if (buf.length == 0) {
          throw new IOException(digest + " ended at byte " + offset + " of " + size);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!cancelled) {
        out.onError(Status.INTERNAL.withDescription("reading " + digest + " while it arrives, at byte " + offset
            + ": " + e.getMessage()).asRuntimeException());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
    }
  }
}
