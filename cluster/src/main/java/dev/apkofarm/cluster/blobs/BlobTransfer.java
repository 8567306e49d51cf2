package dev.apkofarm.cluster.blobs;

import com.google.protobuf.ByteString;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.proto.v1.BlobServiceGrpc;
import dev.apkofarm.proto.v1.DownloadChunk;
import dev.apkofarm.proto.v1.DownloadRequest;
import dev.apkofarm.proto.v1.FindMissingRequest;
import dev.apkofarm.proto.v1.UploadChunk;
import dev.apkofarm.proto.v1.UploadResponse;
import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of {@code BlobService}: which blobs the coordinator lacks, chunked uploads that respect gRPC flow
 * control (never more than a few chunks in flight), and downloads verified against their digest.
 */
public final class BlobTransfer {
  /** Upload chunk size. */
  public static final int CHUNK = 1024 * 1024;

  private final Channel channel;
  private final Duration patience;

  /** Transfers that fail at once when the coordinator is unreachable. */
  public BlobTransfer(Channel channel) {
    this(channel, Duration.ZERO);
  }

  /**
   * @param patience how long an operation waits for an unreachable coordinator (restarting, say) to come back, trying
   *     again whenever the channel is ready: a worker with a finished build keeps it rather than fail the attempt
   */
  public BlobTransfer(Channel channel, Duration patience) {
    this.channel = channel;
    this.patience = patience;
  }

  /** The digests among {@code digests} the coordinator does not have. */
  public List<String> missing(Collection<String> digests) throws IOException {
    if (digests.isEmpty()) {
      return List.of();
    }
    return patiently("finding missing blobs", () -> BlobServiceGrpc.newBlockingStub(channel)
        .findMissing(FindMissingRequest.newBuilder().addAllDigests(digests).build()).getMissingList());
  }

  /** Uploads {@code file} as {@code digest}, also seeding the package cache under {@code cacheKeys}. */
  public void upload(String digest, Path file, List<String> cacheKeys) throws IOException {
    patiently("upload of " + digest, () -> {
      try (InputStream in = Files.newInputStream(file)) {
        upload(digest, Files.size(file), cacheKeys, in);
      }
      return null;
    });
  }

  /** A call that may fail because the coordinator is unreachable. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code call}; while it fails with UNAVAILABLE and the patience lasts, waits for the channel to be ready and
   * runs it again (every operation here is idempotent: uploads by digest, reads).
   */
  private <T> T patiently(String what, Call<T> call) throws IOException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        return call.run();
      } catch (StatusRuntimeException | IOException e) {
        if (!unavailable(e) || !(channel instanceof ManagedChannel managed) || !awaitReady(managed, deadline)) {
          if (e instanceof IOException io) {
            throw io;
          }
          throw new IOException(what + " failed: " + describe(e), e);
        }
      }
    }
  }

  private static boolean unavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAVAILABLE) {
        return true;
      }
    }
    return false;
  }

  /** Whether the channel became READY before the deadline (waking up the channel's reconnects meanwhile). */
  private static boolean awaitReady(ManagedChannel channel, long deadlineNanos) throws IOException {
    while (true) {
      ConnectivityState state = channel.getState(true);
      if (state == ConnectivityState.READY) {
        return true;
      }
      long left = deadlineNanos - System.nanoTime();
      if (state == ConnectivityState.SHUTDOWN || left <= 0) {
        return false;
      }
      channel.resetConnectBackoff(); // try now, not on the channel's backoff schedule
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      try {
        changed.await(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for the coordinator");
      }
    }
  }

  /** Uploads {@code size} bytes from {@code in}, which must digest to {@code digest}. */
  public void upload(String digest, long size, List<String> cacheKeys, InputStream in) throws IOException {
    CompletableFuture<UploadResponse> done = new CompletableFuture<>();
    Semaphore ready = new Semaphore(0);
    ClientResponseObserver<UploadChunk, UploadResponse> responses = new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<UploadChunk> requests) {
        requests.setOnReadyHandler(ready::release);
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
    ClientCallStreamObserver<UploadChunk> requests =
        (ClientCallStreamObserver<UploadChunk>) BlobServiceGrpc.newStub(channel).upload(responses);
    byte[] buf = new byte[CHUNK];
    long offset = 0;
    try {
      while (true) {
        int n = in.readNBytes(buf, 0, CHUNK);
        if (n == 0 && offset > 0) {
          break;
        }
        while (!requests.isReady() && !done.isDone()) {
          ready.tryAcquire(1, TimeUnit.SECONDS);
        }
        if (done.isDone()) {
          break; // the server refused early; its error is in done
        }
        UploadChunk.Builder c = UploadChunk.newBuilder().setOffset(offset).setData(ByteString.copyFrom(buf, 0, n));
        if (offset == 0) {
          c.setDigest(digest).setSize(size).addAllCacheKeys(cacheKeys);
        }
        requests.onNext(c.build());
        offset += n;
        if (n < CHUNK) {
          break;
        }
      }
      requests.onCompleted();
      UploadResponse r = done.get(10, TimeUnit.MINUTES);
      if (r == null || !r.getDigest().equals(digest)) {
        throw new IOException("upload of " + digest + " was not confirmed");
      }
    } catch (InterruptedException e) {
      requests.cancel("interrupted", e);
      Thread.currentThread().interrupt();
      throw new IOException("upload of " + digest + " interrupted", e);
    } catch (ExecutionException e) {
      throw new IOException("upload of " + digest + " refused: " + describe(e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      requests.cancel("timeout", e);
      throw new IOException("upload of " + digest + " timed out", e);
    } catch (RuntimeException e) {
      requests.cancel("failed", e);
      throw e;
    }
  }

  /**
   * A blob's bytes as a stream, chunk by chunk as the coordinator sends them (gRPC flow control bounds what is in
   * flight): for a caller that verifies as it copies. Closing it early cancels the download.
   *
   * @throws IOException naming the digest when the coordinator does not have it or cannot be reached
   */
  public InputStream open(String digest) throws IOException {
    Digest.parse(digest);
    return patiently("download of " + digest, () -> openOnce(digest));
  }

  private InputStream openOnce(String digest) throws IOException {
    io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
    Iterator<DownloadChunk> chunks;
    io.grpc.Context previous = call.attach();
    try {
      chunks = BlobServiceGrpc.newBlockingStub(channel).download(DownloadRequest.newBuilder().setDigest(digest).build());
      chunks.hasNext(); // the first chunk, or the NOT_FOUND, arrives here
    } catch (StatusRuntimeException e) {
      call.cancel(e);
      throw new IOException("download of " + digest + " failed: " + describe(e), e);
    } finally {
      call.detach(previous);
    }
    return new ChunkStream(digest, chunks, call);
  }

  /** Download chunks as an {@link InputStream}. */
  private static final class ChunkStream extends InputStream {
    private final String digest;
    private final Iterator<DownloadChunk> chunks;
    private final io.grpc.Context.CancellableContext call;
    private ByteString current = ByteString.EMPTY;
    private int position;
    private long offset;

    ChunkStream(String digest, Iterator<DownloadChunk> chunks, io.grpc.Context.CancellableContext call) {
      this.digest = digest;
      this.chunks = chunks;
      this.call = call;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (position == current.size()) {
        try {
          if (!chunks.hasNext()) {
            return -1;
          }
          DownloadChunk c = chunks.next();
          if (c.getOffset() != offset) {
            throw new IOException("download of " + digest + ": chunk at " + c.getOffset() + ", expected " + offset);
          }
          current = c.getData();
          position = 0;
          offset += current.size();
        } catch (StatusRuntimeException e) {
          throw new IOException("download of " + digest + " failed: " + describe(e), e);
        }
      }
      int n = Math.min(len, current.size() - position);
      current.copyTo(b, position, off, n);
      position += n;
      return n;
    }

    @Override
    public void close() {
      call.cancel(null);
    }
  }

  /** Downloads a blob into {@code out}, verifying its digest; returns its size. */
  public long download(String digest, OutputStream out) throws IOException {
    Digest expected = Digest.parse(digest);
    MessageDigest sha = Digest.newSha256();
    long n = 0;
    try {
      Iterator<DownloadChunk> chunks = BlobServiceGrpc.newBlockingStub(channel)
          .download(DownloadRequest.newBuilder().setDigest(digest).build());
      while (chunks.hasNext()) {
        DownloadChunk c = chunks.next();
        if (c.getOffset() != n) {
          throw new IOException("download of " + digest + ": chunk at " + c.getOffset() + ", expected " + n);
        }
        byte[] data = c.getData().toByteArray();
        sha.update(data);
        out.write(data);
        n += data.length;
      }
    } catch (StatusRuntimeException e) {
      throw new IOException("download of " + digest + " failed: " + describe(e), e);
    }
    Digest actual = Digest.sha256(sha.digest());
    if (!actual.equals(expected)) {
      throw new IOException("download of " + digest + " has digest " + actual);
    }
    return n;
  }

  private static String describe(Throwable t) {
    if (t instanceof StatusRuntimeException s) {
      return s.getStatus().getCode() + (s.getStatus().getDescription() == null ? "" : ": " + s.getStatus().getDescription());
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
