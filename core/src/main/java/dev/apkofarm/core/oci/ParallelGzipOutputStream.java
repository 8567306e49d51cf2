package dev.apkofarm.core.oci;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream compressed in parallel, in the manner of pgzip: the input is cut into fixed-size blocks, each block
 * is deflated on its own (primed with the previous block's last 32 KiB as a dictionary, ended with a sync flush) by
 * a pool thread, and the results are written in order as one gzip member. The output depends only on the input and
 * {@link GzipSettings}, not on thread timing. Memory is bounded: at most {@code 2 x threads} blocks are in flight,
 * and their arrays are used again rather than allocated per block (a layer of a GiB would otherwise be a thousand
 * pairs of block-sized arrays, each humongous to G1 on a small heap, whose churn alone makes the heap grow). A new
 * block array starts small and grows to what is written, and a short last block gets an output array of its own
 * size: most layers of an image are a few KiB, and a MiB pair of arrays for each was most of what a short CLI run
 * allocated (its young collections). How the arrays are sized never shows in the output: an output array is always
 * larger than deflate's worst case for its block, so each block is deflated in one call either way.
 *
 * <p>The header has no name and mtime 0, OS 255 (unknown); no host information.
 */
final class ParallelGzipOutputStream extends OutputStream {
  private static final int DICTIONARY = 32 * 1024;
  /** The size a new block array starts at before it grows (doubling) to the block size. */
  private static final int FIRST_ARRAY = 16 * 1024;
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final OutputStream out;
  private final GzipSettings settings;
  private final ExecutorService executor;
  private final int maxInFlight;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  /** Input blocks and output buffers free for the next block (touched by the writing thread only). */
  private final ArrayDeque<byte[]> freeBlocks = new ArrayDeque<>();
  private final ArrayDeque<byte[]> freeOutputs = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private final ThreadLocal<Deflater> deflaters;
  private long totalIn;
  private byte[] block;
  private int fill;
  private byte[] previous;
  private boolean closed;

  /** A compressed block: {@code length} bytes of {@code bytes}. */
  private record Chunk(byte[] bytes, int length) {}

  /** A block being compressed, and the block it reads as its dictionary (free again once this one is done). */
  private record Pending(Future<Chunk> chunk, byte[] dictionary) {}

  public ParallelGzipOutputStream(OutputStream out, GzipSettings settings, ExecutorService executor, int threads)
      throws IOException {
    this.out = out;
    this.settings = settings;
    this.executor = executor;
    this.maxInFlight = Math.max(2, 2 * threads);
    this.block = newBlock();
    int level = settings.level();
    this.deflaters = ThreadLocal.withInitial(() -> new Deflater(level, true));
    out.write(HEADER);
  }

  /** Uses the {@linkplain GzipSettings#sharedPool() shared pool}. */
  public ParallelGzipOutputStream(OutputStream out, GzipSettings settings) throws IOException {
    this(out, settings, GzipSettings.sharedPool(), Runtime.getRuntime().availableProcessors());
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("gzip stream is closed");
    }
    crc.update(b, off, len);
    totalIn += len;
    while (len > 0) {
      if (block.length - fill < len && block.length < settings.blockSize()) {
        block = Arrays.copyOf(block, Math.min(settings.blockSize(), Math.max(2 * block.length, fill + len)));
      }
      int n = Math.min(len, block.length - fill);
      System.arraycopy(b, off, block, fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == settings.blockSize()) {
        submit(false);
      }
    }
  }

  private void submit(boolean last) throws IOException {
    byte[] data = block;
    int length = fill;
    byte[] dict = previous;
    byte[] output = freeOutputs.isEmpty() ? new byte[outputSize(length)] : freeOutputs.pop();
    Future<Chunk> f = executor.submit(() -> compress(data, length, dict, last, output));
    pending.addLast(new Pending(f, dict));
    previous = data; // only a full block is followed by another: a dictionary is always a whole block's array
    block = last ? null : freeBlocks.isEmpty() ? newBlock() : freeBlocks.pop();
    fill = 0;
    while (pending.size() >= maxInFlight || (!pending.isEmpty() && pending.peekFirst().chunk().isDone())) {
      writeNext();
    }
  }

  private void writeNext() throws IOException {
    Pending p = pending.pollFirst();
    try {
      Chunk c = p.chunk().get();
      out.write(c.bytes(), 0, c.length());
      if (c.bytes().length == outputSize(settings.blockSize())) {
        freeOutputs.push(c.bytes());
      }
      if (p.dictionary() != null) {
        // Blocks finish in order: the block before this one is done too, and this one no longer reads its bytes.
        freeBlocks.push(p.dictionary());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.forEach(q -> q.chunk().cancel(true));
      throw new InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      pending.forEach(q -> q.chunk().cancel(true));
      throw new IOException("compressing a layer block failed", e.getCause());
    }
  }

  /** A block array to fill: small, grown in {@link #write} up to the block size as bytes come. */
  private byte[] newBlock() {
    return new byte[Math.min(FIRST_ARRAY, settings.blockSize())];
  }

  /** Room for a deflated block of {@code length} bytes (deflate grows incompressible input by a little). */
  private static int outputSize(int length) {
    return Math.max(1024, length + (length >> 3) + 64);
  }

  private Chunk compress(byte[] data, int length, byte[] dict, boolean last, byte[] output) {
    Deflater d = deflaters.get();
    d.reset();
    if (dict != null) {
      d.setDictionary(dict, dict.length - DICTIONARY, DICTIONARY);
    }
    d.setInput(data, 0, length);
    byte[] buf = output;
    int size = 0;
    if (last) {
      d.finish();
      while (!d.finished()) {
        if (size == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
        size += d.deflate(buf, size, buf.length - size);
      }
    } else {
      while (true) {
        if (size == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int room = buf.length - size;
        int n = d.deflate(buf, size, room, Deflater.SYNC_FLUSH);
        size += n;
        if (n < room) {
          break;
        }
      }
    }
    return new Chunk(buf, size);
  }

  /** Ends the gzip member (last block, CRC-32, length); does not close the underlying stream. */
  public void finish() throws IOException {
    if (closed) {
      return;
    }
    submit(true);
    while (!pending.isEmpty()) {
      writeNext();
    }
    long c = crc.getValue();
    byte[] trailer = {
      (byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
      (byte) totalIn, (byte) (totalIn >> 8), (byte) (totalIn >> 16), (byte) (totalIn >> 24)
    };
    out.write(trailer);
    closed = true;
  }

  @Override
  public void close() throws IOException {
    try {
      finish();
    } finally {
      out.close();
    }
  }
}
