package dev.apkofarm.coordinator.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A blob's bytes read while its upload still writes them: it follows the growing temp file, waits for bytes that
 * have not arrived, ends only once the upload was verified and stored, and fails when the upload fails. So a worker
 * can stream a package the client is still shipping, and nothing unverified is ever taken as complete: the reader's
 * end (and the reader's own digest check) comes after the store's.
 */
public final class ArrivingBlob extends InputStream {
  private final Arrival arrival;
  private final java.util.function.Function<String, Path> storedPath;
  private FileChannel channel;
  private long position;
  private volatile boolean closed;

  /** @param storedPath the stored blob's path, by digest (a followed upload's is known only at its end) */
  ArrivingBlob(Arrival arrival, java.util.function.Function<String, Path> storedPath, long offset) {
    this.arrival = arrival;
    this.storedPath = storedPath;
    this.position = offset;
  }

  /**
   * The blob's size as its upload announced it, or -1 for an upload followed by key (its size and digest come with
   * its end: {@link #digest()} once this stream has ended); waits for the upload to begin.
   */
  public long size() throws IOException {
    return arrival.awaitSize(this);
  }

  /** The blob's digest: for an upload followed by key, known once this stream has ended. */
  public String digest() {
    return arrival.digest();
  }

  boolean isClosed() {
    return closed;
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
    long readable = arrival.awaitReadable(this, position);
    if (readable <= 0) {
      return -1;
    }
    if (channel == null) {
      channel = open();
    }
    int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, readable)), position);
    if (n <= 0) {
      throw new IOException("reading " + arrival.digest() + " at byte " + position + " while it arrives: no bytes");
    }
    position += n;
    return n;
  }

  /**
   * The file: the upload's temp file (the same file keeps its bytes when it is renamed into place), or the stored
   * blob when the rename came first.
   */
  private FileChannel open() throws IOException {
    try {
      return FileChannel.open(arrival.tmp(), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      if (arrival.isStored()) {
        return FileChannel.open(storedPath.apply(arrival.digest()), StandardOpenOption.READ);
      }
      arrival.awaitReadable(this, position); // throws the upload's failure
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    arrival.wake();
    if (channel != null) {
      channel.close();
    }
  }
}
