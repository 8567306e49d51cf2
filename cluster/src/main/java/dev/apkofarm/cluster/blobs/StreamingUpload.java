package dev.apkofarm.cluster.blobs;

import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A blob uploaded while it is written, before its digest is known: the bytes written here go to the coordinator in
 * chunks as they come, and {@link #finish} announces the digest and size with the last chunk. It never fails its
 * writer: a refusal, a broken transport or a coordinator that takes nothing for {@link #PATIENCE} end the upload
 * quietly ({@link #failure()} says why), later writes are dropped, and the blob is uploaded afterwards: from the
 * byte the coordinator kept of this upload (it is resumable), or whole.
 */
public final class StreamingUpload extends OutputStream {
  /** How long a write waits for a transport that takes nothing before the upload is given up. */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  /** The size a chunk's array starts at before it grows (doubling) to a whole chunk. */
  private static final int FIRST_ARRAY = 16 * 1024;

  private final UploadCall call;
  /** Told the digest and resume key of an upload that broke off, so that the upload of it afterwards resumes it. */
  private final java.util.function.BiConsumer<String, String> broke;
  /**
   * The chunk being filled. It starts small and grows to what is written: most blobs of an image (configs,
   * manifests, SBOMs, small layers) are a few KiB, and a whole chunk for each, plus another after the last one was
   * sent, was most of what a worker allocated in a short build.
   */
  private byte[] buf = new byte[0];
  private int fill;
  private IOException failure;
  private boolean finished;

  StreamingUpload(UploadCall call, java.util.function.BiConsumer<String, String> broke) {
    this.call = call;
    this.broke = broke;
  }

  /** Why the upload stopped, if it did. */
  public Optional<IOException> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0 && failure == null && !finished) {
      if (buf.length - fill < len && buf.length < BlobTransfer.CHUNK) {
        int size = Math.max(FIRST_ARRAY, Math.max(2 * buf.length, fill + len));
        buf = Arrays.copyOf(buf, Math.min(BlobTransfer.CHUNK, size));
      }
      int n = Math.min(len, buf.length - fill);
      System.arraycopy(b, off, buf, fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == BlobTransfer.CHUNK) {
        send(Optional.empty());
      }
    }
    if (Thread.currentThread().isInterrupted()) {
      cancel(); // the build is being cancelled: so is its upload
    }
  }

  private void send(Optional<UploadCall.Header> header) {
    try {
      if (!call.send(buf, fill, header, PATIENCE)) {
        failure = new IOException("the coordinator ended the upload");
      }
    } catch (IOException e) {
      failure = e;
      call.cancel("given up: " + e.getMessage());
    }
    buf = new byte[0]; // the call keeps the array it sent; the next chunk's grows as it is written
    fill = 0;
  }

  /**
   * Sends what is left with the blob's digest and size, and waits for the coordinator to have verified and stored it.
   *
   * @return whether the coordinator now has the blob
   */
  public boolean finish(Digest digest, long size) {
    if (failure == null && !finished) {
      finished = true;
      send(Optional.of(new UploadCall.Header(digest.toString(), size, List.of())));
      if (failure == null) {
        try {
          if (!call.finish(PATIENCE).getDigest().equals(digest.toString())) {
            failure = new IOException("the coordinator confirmed another digest than " + digest);
          }
        } catch (IOException e) {
          failure = e;
        }
      }
    }
    if (failure != null && call.started()) {
      broke.accept(digest.toString(), call.resumeKey()); // the coordinator may keep what it received
    }
    return failure == null && finished;
  }

  /** Abandons the upload (the blob was not finished, or is not wanted). */
  public void cancel() {
    if (!finished || failure != null) {
      finished = true;
      if (failure == null) {
        failure = new IOException("cancelled");
        call.abandon("cancelled"); // not wanted: the coordinator drops what it received
      } else {
        call.cancel("cancelled");
      }
    }
  }

  @Override
  public void close() {
    if (!finished) {
      cancel();
    }
  }
}
