package dev.apkofarm.core.fs;

import dev.apkofarm.core.io.ChannelRange;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Where the bytes of a regular file live: a slice of a file on disk (an expanded package) or inline bytes (the small
 * files the build itself creates, and small package files within a fixed budget per build: see
 * {@code build.ExpansionSpace}). Large package contents never sit in memory.
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

  /**
   * Reads up to {@code len} bytes at {@code position} (random access, e.g. to parse a file's header without
   * reading all of it); returns the number read, -1 at the end.
   */
  int readAt(long position, byte[] dst, int off, int len) throws IOException;

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

    @Override
    public int readAt(long position, byte[] dst, int off, int len) {
      if (position >= bytes.length) {
        return -1;
      }
      int n = (int) Math.min(len, bytes.length - position);
      System.arraycopy(bytes, (int) position, dst, off, n);
      return n;
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
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      return new FilterInputStream(new ChannelRange(channel, offset, length, file.toString())) {
        @Override
        public void close() throws IOException {
          channel.close();
        }
      };
    }

    @Override
    public int readAt(long position, byte[] dst, int off, int len) throws IOException {
      if (position >= length) {
        return -1;
      }
      int want = (int) Math.min(len, length - position);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        int total = 0;
        while (total < want) {
          int n = ch.read(ByteBuffer.wrap(dst, off + total, want - total), offset + position + total);
          if (n < 0) {
            break;
          }
          total += n;
        }
        return total;
      }
    }
  }
}
