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
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

  public BlobTransfer(Channel channel) {
    this.channel = channel;
  }

  /** The digests among {@code digests} the coordinator does not have. */
  public List<String> missing(Collection<String> digests) {
    if (digests.isEmpty()) {
      return List.of();
    }
    return BlobServiceGrpc.newBlockingStub(channel)
        .findMissing(FindMissingRequest.newBuilder().addAllDigests(digests).build()).getMissingList();
  }

  /** Uploads {@code file} as {@code digest}, also seeding the package cache under {@code cacheKeys}. */
  public void upload(String digest, Path file, List<String> cacheKeys) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      upload(digest, Files.size(file), cacheKeys, in);
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
