package dev.apkofarm.cluster.blobs;

import com.google.protobuf.UnsafeByteOperations;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.proto.v1.BlobServiceGrpc;
import dev.apkofarm.proto.v1.DownloadChunk;
import dev.apkofarm.proto.v1.DownloadRequest;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Iterator;

/**
 * A blob read while its uploader still streams it to the coordinator, before anyone knows its digest: the chunks
 * come as the coordinator writes them, and the last one names the digest once the coordinator has verified and
 * stored the blob. What is received is digested here and must match that digest and size, so nothing unverified is
 * ever returned as complete. It does not resume: a follow that breaks off costs its reader nothing but the bytes,
 * since the blob is in the coordinator's store by digest once its upload ends.
 */
public final class FollowedUpload {
  private final Channel channel;
  private final String key;
  private final Context.CancellableContext call = Context.current().withCancellation();
  private volatile long received;

  FollowedUpload(Channel channel, String key) {
    this.channel = channel;
    this.key = key;
  }

  /** How many bytes have arrived so far (0: the upload has not begun, or nothing of it reached the coordinator). */
  public long received() {
    return received;
  }

  /**
   * Writes the blob into {@code file} as it arrives and returns its digest once it is stored and the bytes received
   * are its.
   *
   * @throws BlobDigestException when the bytes received are not the digest or size the coordinator named
   * @throws IOException when the upload fails, is not found or the follow is {@linkplain #cancel cancelled}
   */
  public Digest copyTo(OutputStream file) throws IOException {
    MessageDigest sha = Digest.newSha256();
    // Each chunk's own bytes, digested and written without a copy.
    DigestingOutput out = new DigestingOutput(sha, file);
    Context previous = call.attach();
    try {
      Iterator<DownloadChunk> chunks = BlobServiceGrpc.newBlockingStub(channel)
          .download(DownloadRequest.newBuilder().setFollowKey(key).build());
      long n = 0;
      while (chunks.hasNext()) {
        DownloadChunk c = chunks.next();
        if (c.getOffset() != n) {
          throw new IOException("following " + key + ": chunk at " + c.getOffset() + ", expected " + n);
        }
        if (!c.getDigest().isEmpty()) {
          Digest named = Digest.parse(c.getDigest());
          Digest actual = Digest.sha256(sha.digest());
          if (c.getSize() != n || !actual.equals(named)) {
            throw new BlobDigestException("following " + key + ": received " + n + " bytes digesting to " + actual
                + ", the coordinator stored " + c.getSize() + " bytes as " + named);
          }
          return named;
        }
        UnsafeByteOperations.unsafeWriteTo(c.getData(), out);
        n += c.getData().size();
        received = n;
      }
      throw new IOException("following " + key + ": the stream ended without naming the blob");
    } catch (StatusRuntimeException e) {
      throw new IOException("following " + key + " failed: " + BlobTransfer.describe(e), e);
    } finally {
      call.detach(previous);
    }
  }

  /** Stops following (from any thread): {@link #copyTo} fails at once. */
  public void cancel() {
    call.cancel(null);
  }
}
