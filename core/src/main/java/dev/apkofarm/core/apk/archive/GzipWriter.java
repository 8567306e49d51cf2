package dev.apkofarm.core.apk.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one gzip member with a fixed header (no file name, mtime 0, OS "unknown"), so that the same input always
 * gives the same bytes on a given zlib. Closing finishes the member but leaves the underlying stream open, because
 * apk files are several members back to back.
 */
public final class GzipWriter extends OutputStream {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final OutputStream out;
  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final byte[] buf = new byte[64 * 1024];
  private long size;
  private boolean closed;

  public GzipWriter(OutputStream out) throws IOException {
    this(out, Deflater.DEFAULT_COMPRESSION);
  }

  public GzipWriter(OutputStream out, int level) throws IOException {
    this.out = out;
    this.deflater = new Deflater(level, true);
    out.write(HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    crc.update(b, off, len);
    size += len;
    deflater.setInput(b, off, len);
    while (!deflater.needsInput()) {
      drain(Deflater.NO_FLUSH);
    }
  }

  private void drain(int flush) throws IOException {
    int n = deflater.deflate(buf, 0, buf.length, flush);
    if (n > 0) {
      out.write(buf, 0, n);
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    deflater.finish();
    while (!deflater.finished()) {
      drain(Deflater.NO_FLUSH);
    }
    deflater.end();
    long c = crc.getValue();
    out.write(new byte[] {
      (byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
      (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)
    });
    out.flush();
  }
}
