package dev.apkofarm.core.fs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Where the bytes of a regular file live: a slice of a file on disk (an expanded package in the cache) or, for the
 * small files the build itself creates, inline bytes. The tree never holds package contents in memory.
 */
public sealed interface ContentRef permits ContentRef.Inline, ContentRef.FileSlice {
  /** The number of bytes. */
  long size();

  /** Opens the bytes for reading; the caller closes the stream. */
  InputStream open() throws IOException;

  /** Reads everything; only for small files (configuration files the build edits). */
  default byte[] readAllBytes() throws IOException {
    if (size() > Integer.MAX_VALUE - 16) {
      throw new IOException("file too large to read into memory: " + size() + " bytes");
    }
    try (InputStream in = open()) {
      return in.readAllBytes();
    }
  }

  /** An empty file. */
  static ContentRef empty() {
    return Inline.EMPTY;
  }

  /** Bytes held in memory (copied in). */
  static ContentRef inline(byte[] bytes) {
    return new Inline(bytes.clone());
  }

  /** {@code length} bytes of {@code file} starting at {@code offset}. */
  static ContentRef slice(Path file, long offset, long length) {
    return new FileSlice(file, offset, length);
  }

  /**
   * Bytes held in memory.
   *
   * @param bytes not copied again: callers use {@link ContentRef#inline(byte[])}
   */
  record Inline(byte[] bytes) implements ContentRef {
    static final Inline EMPTY = new Inline(new byte[0]);

    public Inline {
      Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public InputStream open() {
      return new ByteArrayInputStream(bytes);
    }

    @Override
    public byte[] readAllBytes() {
      return bytes.clone();
    }
  }

  /**
   * A byte range of a file on disk.
   *
   * @param file the file holding the bytes (e.g. an uncompressed package data stream)
   * @param offset first byte
   * @param length number of bytes
   */
  record FileSlice(Path file, long offset, long length) implements ContentRef {
    public FileSlice {
      Objects.requireNonNull(file, "file");
      if (offset < 0 || length < 0) {
        throw new IllegalArgumentException("negative offset or length: " + offset + "+" + length + " of " + file);
      }
    }

    @Override
    public long size() {
      return length;
    }

    @Override
    public InputStream open() throws IOException {
      return new SliceInputStream(FileChannel.open(file, StandardOpenOption.READ), offset, length, file);
    }
  }

  /** Reads a range of a channel with positional reads, so many slices of one file can be open at once. */
  final class SliceInputStream extends InputStream {
    private final FileChannel channel;
    private final Path file;
    private long position;
    private long remaining;

    SliceInputStream(FileChannel channel, long offset, long length, Path file) {
      this.channel = channel;
      this.position = offset;
      this.remaining = length;
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining == 0) {
        return -1;
      }
      int want = (int) Math.min(len, remaining);
      int n = channel.read(ByteBuffer.wrap(b, off, want), position);
      if (n < 0) {
        throw new IOException(file + " is shorter than expected: " + remaining + " bytes missing at " + position);
      }
      position += n;
      remaining -= n;
      return n;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
