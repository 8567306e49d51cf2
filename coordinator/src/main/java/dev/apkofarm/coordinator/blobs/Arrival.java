package dev.apkofarm.coordinator.blobs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One blob on its way into a {@link DiskBlobStore}: expected (a lock named it before its upload began), arriving (its
 * upload writes a temp file), stored (verified and renamed into place) or failed (the upload broke off or its bytes
 * were not the digest's). Readers ({@link ArrivingBlob}) wait on it for bytes; the writer tells it every write. It is
 * only ever a way to read bytes early: a blob is visible in the store ({@link BlobStore#has}) only once stored.
 */
final class Arrival {
  enum State { EXPECTED, ARRIVING, STORED, FAILED }

  /** The digest, or for an upload followed by key before its digest is known, "upload KEY" until it is announced. */
  private String digest;
  private State state;
  private long deadlineNanos;
  private Path tmp;
  private long size = -1;
  private long written;
  private String failure;

  private Arrival(String digest, State state) {
    this.digest = digest;
    this.state = state;
  }

  /** A blob a lock named before its upload began: readers wait for the upload to begin until {@code within}. */
  static Arrival expected(String digest, Duration within) {
    Arrival a = new Arrival(digest, State.EXPECTED);
    a.deadlineNanos = System.nanoTime() + within.toNanos();
    return a;
  }

  synchronized String digest() {
    return digest;
  }

  /**
   * A followed-by-key upload's digest and size, known at its end: from now on readers end at {@code size}, and the
   * blob is stored at the digest's path.
   */
  synchronized void announce(String digest, long size) {
    this.digest = digest;
    this.size = size;
    notifyAll();
  }

  synchronized boolean expectedPast(long nowNanos) {
    return state == State.EXPECTED && nowNanos - deadlineNanos > 0;
  }

  /** Gives an expected blob a later deadline (another lock named it). */
  synchronized void expectUntil(long deadline) {
    if (state == State.EXPECTED && deadline - deadlineNanos > 0) {
      deadlineNanos = deadline;
    }
  }

  /**
   * An upload began, writing {@code tmp}, announcing {@code size} bytes: true when it is the one readers follow (the
   * blob was expected or unknown), false when another upload of it is followed already (or has ended).
   */
  synchronized boolean tryBegin(Path tmp, long size) {
    if (state != State.EXPECTED) {
      return false;
    }
    this.tmp = tmp;
    this.size = size;
    state = State.ARRIVING;
    notifyAll();
    return true;
  }

  /** The size the followed upload announced, or -1 before it began. */
  synchronized long announcedSize() {
    return state == State.EXPECTED ? -1 : size;
  }

  /** The writer has {@code written} bytes in its temp file (readable there). */
  synchronized void wrote(long written) {
    this.written = written;
    notifyAll();
  }

  /** The blob was verified and renamed into place. */
  synchronized void stored() {
    state = State.STORED;
    notifyAll();
  }

  /** The upload broke off or was refused: every reader fails. */
  synchronized void failed(String why) {
    if (state != State.STORED) {
      state = State.FAILED;
      failure = why;
      notifyAll();
    }
  }

  /** The announced size (-1 for an upload followed by key: its size comes at its end); waits for the upload to begin. */
  synchronized long awaitSize(ArrivingBlob reader) throws IOException {
    while (true) {
      check(reader);
      if (state != State.EXPECTED) {
        return size;
      }
      await(reader);
    }
  }

  /** The temp file the upload writes (after {@link #awaitSize}). */
  synchronized Path tmp() {
    return tmp;
  }

  /** Whether the blob is stored (its bytes at the store's path now, the temp file gone). */
  synchronized boolean isStored() {
    return state == State.STORED;
  }

  /**
   * How many bytes from {@code position} on can be read now; waits until there is at least one or the blob is
   * complete (0: the end). Only a stored blob ends: a reader never sees the end of bytes that were not verified.
   */
  synchronized long awaitReadable(ArrivingBlob reader, long position) throws IOException {
    while (true) {
      check(reader);
      if (state == State.STORED) {
        return size - position;
      }
      // Never bytes past the announced size: they will be refused (no size yet: a followed upload, still streaming).
      long readable = size < 0 ? written : Math.min(written, size);
      if (state == State.ARRIVING && readable > position) {
        return readable - position;
      }
      await(reader);
    }
  }

  /** Wakes a reader that was closed. */
  synchronized void wake() {
    notifyAll();
  }

  private void check(ArrivingBlob reader) throws IOException {
    if (reader.isClosed()) {
      throw new IOException("reading " + digest + " while it arrives: closed");
    }
    if (state == State.FAILED) {
      throw new IOException("the upload of " + digest + " failed: " + failure);
    }
    if (state == State.EXPECTED && System.nanoTime() - deadlineNanos > 0) {
      throw new IOException(digest + " was named by a submission but its upload did not begin in time");
    }
  }

  private void await(ArrivingBlob reader) throws IOException {
    try {
      // Woken by every write and state change; the timeout only bounds how late an expectation's deadline is seen.
      long ms = state == State.EXPECTED
          ? Math.max(1, Math.min(1000, (deadlineNanos - System.nanoTime()) / 1_000_000)) : 1000;
      wait(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for " + digest);
    }
  }
}
