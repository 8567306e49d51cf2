package dev.apkofarm.cluster.blobs;

import com.google.protobuf.UnsafeByteOperations;
import dev.apkofarm.proto.v1.DownloadChunk;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * The sending side of {@code BlobService.Download}, for every server of it (the coordinator's store, a worker's
 * shared files): chunks of {@link #CHUNK} bytes from a stream positioned at the requested offset, sent only while
 * the transport is ready and resumed on its ready signal, so the blob never gathers in memory whatever the reader's
 * speed. The first chunk carries the blob's total size; a blob with nothing left to send gets one empty chunk.
 */
public final class DownloadPump implements Runnable {
  /** Chunk size: as {@link BlobTransfer#CHUNK}, an ordinary young object on a small heap. */
  public static final int CHUNK = BlobTransfer.CHUNK;

  /**
   * One message of a download: {@code buf} (handed over, not copied: the caller must not touch it again) at
   * {@code offset}, the first message also carrying the blob's whole {@code size}.
   */
  public static DownloadChunk chunk(long offset, byte[] buf, boolean first, long size) {
    DownloadChunk.Builder c =
        DownloadChunk.newBuilder().setOffset(offset).setData(UnsafeByteOperations.unsafeWrap(buf));
    if (first) {
      c.setSize(size);
    }
    return c.build();
  }

  /** What a sender lets gRPC hold queued before it waits for the transport (as {@link BlobTransfer#IN_FLIGHT}). */
  public static final int IN_FLIGHT = BlobTransfer.IN_FLIGHT;

  private final InputStream in;
  private final long size;
  private final ServerCallStreamObserver<DownloadChunk> out;
  private final LongConsumer sent;
  private long offset;
  private boolean first = true;
  private boolean done;

  private DownloadPump(InputStream in, long offset, long size, ServerCallStreamObserver<DownloadChunk> out,
      LongConsumer sent) {
    this.in = in;
    this.offset = offset;
    this.size = size;
    this.out = out;
    this.sent = sent;
  }

  /**
   * Sends {@code in} (positioned at {@code offset} of a blob of {@code size} bytes; closed when done or cancelled)
   * down {@code out}.
   *
   * @param sent told the length of each chunk sent (a server's byte counter)
   */
  public static void start(InputStream in, long offset, long size, ServerCallStreamObserver<DownloadChunk> out,
      LongConsumer sent) {
    DownloadPump pump = new DownloadPump(in, offset, size, out, sent);
    out.setOnReadyThreshold(BlobTransfer.IN_FLIGHT);
    out.setOnCancelHandler(pump::close);
    out.setOnReadyHandler(pump);
    pump.run();
  }

  @Override
  public synchronized void run() {
    try {
      while (!done && out.isReady()) {
        byte[] buf = in.readNBytes((int) Math.min(CHUNK, Math.max(0, size - offset)));
        if (buf.length == 0 && !first) {
          finish();
          return;
        }
        out.onNext(chunk(offset, buf, first, size));
        first = false;
        offset += buf.length;
        sent.accept(buf.length);
        if (offset >= size) {
          finish();
        }
      }
    } catch (IOException | RuntimeException e) {
      done = true;
      close();
      out.onError(Status.INTERNAL.withDescription("reading the blob at byte " + offset + ": " + e.getMessage())
          .asRuntimeException());
    }
  }

  private void finish() {
    done = true;
    close();
    out.onCompleted();
  }

  private void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing more is read from it either way
    }
  }
}
