package dev.apkofarm.coordinator.grpc;

import dev.apkofarm.cluster.blobs.DownloadPump;
import dev.apkofarm.coordinator.blobs.ArrivingBlob;
import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.blobs.BlobVerificationException;
import dev.apkofarm.coordinator.blobs.UploadNotResumableException;
import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.proto.v1.BlobServiceGrpc;
import dev.apkofarm.proto.v1.DownloadChunk;
import dev.apkofarm.proto.v1.DownloadRequest;
import dev.apkofarm.proto.v1.FindMissingRequest;
import dev.apkofarm.proto.v1.FindMissingResponse;
import dev.apkofarm.proto.v1.UploadChunk;
import dev.apkofarm.proto.v1.UploadResponse;
import dev.apkofarm.proto.v1.UploadStatusRequest;
import dev.apkofarm.proto.v1.UploadStatusResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chunked, digest-verified blob transfer into and out of the coordinator's {@link BlobStore}. Uploads may also
 * seed the package cache under extra keys (packages a client ships from a local repository).
 */
public final class BlobServiceImpl extends BlobServiceGrpc.BlobServiceImplBase {
  /** The most a blob whose size comes only with its last chunk may grow to before the upload is refused. */
  static final long MAX_STREAMED = 64L << 30;

  /**
   * How long a download by follow key waits for its upload to begin: a task's fetch and install come first. Its
   * reader cancels it sooner when the task ends without it.
   */
  static final java.time.Duration FOLLOW_WAIT = java.time.Duration.ofMinutes(30);

  private static final Logger log = LoggerFactory.getLogger(BlobServiceImpl.class);

  private final BlobStore store;
  private final Optional<BlobCache> cache;

  public BlobServiceImpl(BlobStore store, Optional<BlobCache> cache) {
    this.store = store;
    this.cache = cache;
  }

  @Override
  public void findMissing(FindMissingRequest request, StreamObserver<FindMissingResponse> out) {
    FindMissingResponse.Builder b = FindMissingResponse.newBuilder();
    for (String d : request.getDigestsList()) {
      try {
        Digest.parse(d);
      } catch (IllegalArgumentException e) {
        out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        return;
      }
      if (!store.keep(d)) { // present: kept, since its asker will not send it
        b.addMissing(d);
      }
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public StreamObserver<UploadChunk> upload(StreamObserver<UploadResponse> out) {
    return new StreamObserver<>() {
      private BlobStore.Writer writer;
      /** The writer as a stream, so a chunk is written from its bytes without copying them. */
      private final OutputStream sink = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          writer.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          writer.write(b, off, len);
        }
      };
      private String digest;
      private long size;
      private final List<String> cacheKeys = new ArrayList<>();
      private boolean failed;
      /** Whether digest and size were given (first chunk, or the last for a blob its sender streamed as it wrote). */
      private boolean announced;

      @Override
      public void onNext(UploadChunk c) {
        if (failed) {
          return;
        }
        if (c.getAbandon()) {
          failed = true;
          try {
            if (writer != null) {
              writer.abandon();
            }
          } catch (IOException e) {
            log.debug("dropping the abandoned upload of {}: {}", digest, e.toString());
          }
          out.onError(Status.CANCELLED.withDescription("upload abandoned by its sender").asRuntimeException());
          return;
        }
        try {
          Optional<BlobStore.Resume> resume = writer != null || c.getResumeKey().isEmpty() ? Optional.empty()
              : Optional.of(new BlobStore.Resume(WireKey.check("resume key", c.getResumeKey()), c.getOffset()));
          if (writer == null && c.getDigest().isEmpty()) {
            // Digest and size come with the last chunk; readers may follow it by key meanwhile.
            writer = store.writer(MAX_STREAMED,
                c.getFollowKey().isEmpty() ? null : WireKey.check("follow key", c.getFollowKey()), resume);
          } else if (writer == null) {
            digest = c.getDigest();
            size = c.getSize();
            Digest.parse(digest);
            for (String k : c.getCacheKeysList()) {
              cacheKeys.add(new BlobKey(k).value());
            }
            writer = store.writer(digest, size, resume);
            announced = true;
          } else if (!c.getDigest().isEmpty()) {
            if (announced) {
              throw new IllegalArgumentException("upload of " + digest + ": digest given twice");
            }
            digest = c.getDigest();
            size = c.getSize();
            Digest.parse(digest);
            writer.announce(digest, size);
            announced = true;
          }
          if (resume.isPresent() && resume.get().offset() > 0) {
            log.info("upload {} of {} resumed at byte {}", resume.get().key(), digest == null ? "a streamed blob"
                : digest, resume.get().offset());
          }
          if (c.getOffset() != writer.written()) {
            throw new IllegalArgumentException(
                "upload of " + digest + ": chunk at offset " + c.getOffset() + ", expected " + writer.written());
          }
          c.getData().writeTo(sink); // the chunk's own bytes, not a copy
        } catch (IOException | RuntimeException e) {
          abort(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        closeQuietly();
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        try {
          if (writer == null || !announced) {
            throw new IllegalArgumentException("upload without its digest and size (in the first chunk or the last)");
          }
          writer.commit();
          writer.close();
          seedCache();
          out.onNext(UploadResponse.newBuilder().setDigest(digest).setSize(size).build());
          out.onCompleted();
        } catch (IOException | RuntimeException e) {
          abort(e);
        }
      }

      private void seedCache() throws IOException {
        if (cache.isEmpty() || cacheKeys.isEmpty()) {
          return;
        }
        for (String k : cacheKeys) {
          try (InputStream in = store.open(digest).orElseThrow()) {
            cache.get().put(new BlobKey(k), in);
          }
        }
      }

      private void abort(Exception e) {
        failed = true;
        closeQuietly();
        Status s = e instanceof BlobVerificationException || e instanceof IllegalArgumentException
            ? Status.INVALID_ARGUMENT
            : e instanceof UploadNotResumableException ? Status.FAILED_PRECONDITION : Status.INTERNAL;
        log.debug("upload of {} refused: {}", digest, e.getMessage());
        out.onError(s.withDescription(e.getMessage()).asRuntimeException());
      }

      private void closeQuietly() {
        if (writer != null) {
          try {
            writer.close();
          } catch (IOException ignored) {
            // the temp file is gone with the upload either way
          }
        }
      }
    };
  }

  @Override
  public void uploadStatus(UploadStatusRequest request, StreamObserver<UploadStatusResponse> out) {
    try {
      String key = WireKey.check("resume key", request.getResumeKey());
      if (key.isEmpty()) {
        throw new IllegalArgumentException("no resume key");
      }
      boolean stored = false;
      if (!request.getDigest().isEmpty()) {
        Digest.parse(request.getDigest());
        stored = store.keep(request.getDigest()); // its sender relies on it without sending it: kept young
      }
      out.onNext(UploadStatusResponse.newBuilder().setCommitted(store.resumable(key)).setStored(stored).build());
      out.onCompleted();
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException e) {
      out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void download(DownloadRequest request, StreamObserver<DownloadChunk> plain) {
    ServerCallStreamObserver<DownloadChunk> out = (ServerCallStreamObserver<DownloadChunk>) plain;
    String digest = request.getDigest();
    if (!request.getFollowKey().isEmpty()) {
      try {
        String key = WireKey.check("follow key", request.getFollowKey());
        Optional<ArrivingBlob> followed = store.following(key, FOLLOW_WAIT);
        if (followed.isEmpty() || request.getOffset() != 0) {
          out.onError(Status.NOT_FOUND.withDescription("no upload followed as " + key).asRuntimeException());
          return;
        }
        FollowingDownload.start(followed.get(), "the upload " + key, 0, out);
      } catch (IllegalArgumentException e) {
        out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      }
      return;
    }
    try {
      Digest.parse(digest);
      OptionalLong size = store.size(digest);
      if (size.isEmpty() && request.getOffset() >= 0) {
        Optional<ArrivingBlob> arriving = store.arriving(digest, request.getOffset());
        if (arriving.isPresent()) {
          FollowingDownload.start(arriving.get(), digest, request.getOffset(), out);
          return;
        }
      }
      if (size.isEmpty()) {
        // A shipped package whose client went away mid-upload: say so, not only that it is missing.
        out.onError(Status.NOT_FOUND.withDescription("no blob " + digest
            + store.lastFailure(digest).map(why -> ": its upload failed: " + why).orElse("")).asRuntimeException());
        return;
      }
      if (request.getOffset() < 0 || request.getOffset() > size.getAsLong()) {
        out.onError(Status.OUT_OF_RANGE.withDescription("offset " + request.getOffset() + " is outside " + digest
            + " (" + size.getAsLong() + " bytes)").asRuntimeException());
        return;
      }
      Optional<InputStream> in = store.open(digest, request.getOffset());
      if (in.isEmpty()) {
        out.onError(Status.NOT_FOUND.withDescription("no blob " + digest).asRuntimeException());
        return;
      }
      DownloadPump.start(in.get(), request.getOffset(), size.getAsLong(), out, n -> { });
    } catch (IOException | IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    }
  }
}
