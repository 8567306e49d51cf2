package dev.apkofarm.cluster.blobs;

import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A blob uploaded while it is written, before its digest is known: the bytes written here go to the coordinator in
 * chunks as they come, and {@link #finish} announces the digest and size with the last chunk. It never fails its
 * writer: a refusal, a broken transport or a coordinator that takes nothing for {@link #PATIENCE} end the upload
 * quietly ({@link #failure()} says why), later writes are dropped, and the blob is uploaded whole afterwards.
 */
public final class StreamingUpload extends OutputStream {
  /** How long a write waits for a transport that takes nothing before the upload is given up. */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  private final UploadCall call;
  private byte[] buf = new byte[BlobTransfer.CHUNK];
  private int fill;
  private IOException failure;
  private boolean finished;

  StreamingUpload(UploadCall call) {
    this.call = call;
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
      int n = Math.min(len, buf.length - fill);
      System.arraycopy(b, off, buf, fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == buf.length) {
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
    buf = new byte[BlobTransfer.CHUNK]; // the call keeps the array it sent
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
    return failure == null && finished;
  }

  /** Abandons the upload (the blob was not finished, or is not wanted). */
  public void cancel() {
    if (!finished || failure != null) {
      finished = true;
      if (failure == null) {
        failure = new IOException("cancelled");
      }
      call.cancel("cancelled");
    }
  }

  @Override
  public void close() {
    if (!finished) {
      cancel();
    }
  }
}
