package dev.apkofarm.cluster.blobs;

import com.google.protobuf.ByteString;
import dev.apkofarm.proto.v1.BlobServiceGrpc;
import dev.apkofarm.proto.v1.DownloadChunk;
import dev.apkofarm.proto.v1.DownloadRequest;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;

/**
 * A blob's bytes from a {@code BlobService.Download} stream, chunk by chunk as the server sends them (gRPC flow
 * control bounds what is in flight: the blocking stub asks for one message at a time). When the stream breaks off, it
 * asks again from the offset it reached, as an HTTP reader would with {@code Range}: a broken connection costs the
 * bytes in flight, not the blob. Gives up after {@link #MAX_BREAKS} breaks in a row without a byte between them.
 * The bytes are not verified here: the reader digests them.
 */
final class DownloadStream extends InputStream {
  /** Breaks in a row (no byte received between them) before the download fails. */
  static final int MAX_BREAKS = 4;

  /** How long a break waits at least for the channel to reconnect before asking again. */
  private static final Duration RECONNECT = Duration.ofSeconds(5);

  /** Statuses after which asking again from the same offset may succeed. */
  private static final Set<Status.Code> RESUMABLE = Set.of(Status.Code.UNAVAILABLE, Status.Code.INTERNAL,
      Status.Code.UNKNOWN, Status.Code.ABORTED, Status.Code.DEADLINE_EXCEEDED);

  private final Channel channel;
  private final String digest;
  private final Duration patience;
  private Context.CancellableContext call;
  private Iterator<DownloadChunk> chunks;
  private ByteString current = ByteString.EMPTY;
  private int position;
  private long offset;
  private final long start;
  private long size = -1;
  private int breaks;
  private long resumes;
  private boolean closed;

  private DownloadStream(Channel channel, String digest, long offset, Duration patience) {
    this.channel = channel;
    this.digest = digest;
    this.offset = offset;
    this.start = offset;
    this.patience = patience;
  }

  /**
   * Opens the download at {@code offset}; the server's first answer (a chunk, or NOT_FOUND) has arrived when this
   * returns.
   *
   * @throws IOException naming the digest when the server does not have it or cannot be reached
   */
  static DownloadStream open(Channel channel, String digest, long offset, Duration patience) throws IOException {
    DownloadStream s = new DownloadStream(channel, digest, offset, patience);
    s.connect();
    return s;
  }

  /** The blob's total size, as the server announced it. */
  long size() {
    return size;
  }

  /** How many times the download broke off and went on from where it was. */
  long resumes() {
    return resumes;
  }

  /** Starts a call at {@link #offset} and waits for its first answer, going on after breaks. */
  private void connect() throws IOException {
    while (true) {
      Context.CancellableContext c = Context.current().withCancellation();
      Context previous = c.attach();
      try {
        chunks = BlobServiceGrpc.newBlockingStub(channel)
            .download(DownloadRequest.newBuilder().setDigest(digest).setOffset(offset).build());
        chunks.hasNext(); // the first chunk, or the error, arrives here
        call = c;
        return;
      } catch (StatusRuntimeException e) {
        c.cancel(e);
        broke(e);
      } finally {
        c.detach(previous);
      }
    }
  }

  /**
   * Counts a break; throws when it is not worth asking again, else waits (with patience) for the channel. Without
   * patience a server that never sent a byte is not asked again (a peer that is gone: the reader has others).
   */
  private void broke(StatusRuntimeException e) throws IOException {
    boolean never = offset == start && patience.isZero();
    if (!RESUMABLE.contains(e.getStatus().getCode()) || ++breaks > MAX_BREAKS || closed || never) {
      throw new IOException("download of " + digest + (offset > 0 ? " at byte " + offset : "") + " failed: "
          + BlobTransfer.describe(e), e);
    }
    if (channel instanceof ManagedChannel managed) {
      Duration wait = patience.compareTo(RECONNECT) > 0 ? patience : RECONNECT;
      BlobTransfer.awaitReady(managed, System.nanoTime() + wait.toNanos());
    }
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
      if (!nextChunk()) {
        return -1;
      }
    }
    int n = Math.min(len, current.size() - position);
    current.copyTo(b, position, off, n);
    position += n;
    return n;
  }

  /**
   * The bytes of the current chunk not read yet, else of the next chunk (a view, not a copy); empty at the end of the
   * blob.
   */
  ByteString next() throws IOException {
    while (position == current.size()) {
      if (!nextChunk()) {
        return ByteString.EMPTY;
      }
    }
    ByteString rest = position == 0 ? current : current.substring(position);
    position = current.size();
    return rest;
  }

  /** Takes the next chunk; false at the end of the blob. */
  private boolean nextChunk() throws IOException {
    while (true) {
      try {
        if (!chunks.hasNext()) {
          if (size >= 0 && offset < size) {
            throw new IOException("download of " + digest + " ended at byte " + offset + " of " + size);
          }
          return false;
        }
        DownloadChunk c = chunks.next();
        if (c.getOffset() != offset) {
          throw new IOException("download of " + digest + ": chunk at " + c.getOffset() + ", expected " + offset);
        }
        if (size < 0) {
          size = c.getSize();
        }
        current = c.getData();
        position = 0;
        offset += current.size();
        if (!current.isEmpty()) {
          breaks = 0;
        }
        return true;
      } catch (StatusRuntimeException e) {
        call.cancel(e);
        broke(e);
        resumes++;
        connect();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (call != null) {
      call.cancel(null);
    }
  }
}
