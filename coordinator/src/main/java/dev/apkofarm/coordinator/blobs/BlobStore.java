package dev.apkofarm.coordinator.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The coordinator's content-addressed store of the blobs it was given (client-shipped repository files, worker
 * output, assembled indexes). Unlike a cache it is trusted: nothing enters without its digest and size verified.
 */
public interface BlobStore {
  boolean has(String digest);

  /**
   * Whether the blob is stored, for a caller that goes on to rely on it without sending it (a client or worker told it
   * need not upload it): a store that collects unreferenced blobs then keeps it for its grace period, as if it had just
   * been stored.
   */
  default boolean keep(String digest) {
    return has(digest);
  }

  /** The stored size, or empty when absent. */
  OptionalLong size(String digest);

  Optional<InputStream> open(String digest) throws IOException;

  /**
   * The blob's bytes from byte {@code offset} on (a download resuming where it broke off), or empty when absent.
   * The default skips; a store that can seek overrides it.
   */
  default Optional<InputStream> open(String digest, long offset) throws IOException {
    Optional<InputStream> in = open(digest);
    if (in.isPresent()) {
      in.get().skipNBytes(offset);
    }
    return in;
  }

  /**
   * A blob that is not stored yet but whose upload is under way, or that a lock named before its upload began (see
   * {@link #expect}): its bytes from {@code offset} on as they arrive. The reader waits for bytes, ends only once the
   * upload was verified and the blob stored, and fails when the upload fails (or does not begin in time). Empty when
   * nothing of the kind is known; a store that cannot follow uploads always says so.
   */
  default Optional<ArrivingBlob> arriving(String digest, long offset) throws IOException {
    return Optional.empty();
  }

  /**
   * Notes that a submission names {@code digest} and its client uploads it after the submission (a shipped package,
   * which the lock does not read): readers of {@link #arriving} wait up to {@code within} for its upload to begin.
   */
  default void expect(String digest, Duration within) {}

  /** The size an upload under way announced for {@code digest}, or empty (none under way, or none begun). */
  default OptionalLong arrivingSize(String digest) {
    return OptionalLong.empty();
  }

  /**
   * Starts writing a blob that must turn out to have {@code digest} and {@code size}. Writing one the store has
   * is allowed (idempotent); the new bytes are still verified, then dropped.
   */
  Writer writer(String digest, long size) throws IOException;

  /** {@link #writer(long, String, Optional)} without a follow key or a resumption. */
  default Writer writer(long maxSize) throws IOException {
    return writer(maxSize, null, Optional.empty());
  }

  /**
   * The upload streamed under {@code followKey}, from its first byte as it arrives; waits up to {@code within} for it
   * to begin. The reader ends only once the upload was verified and stored ({@link ArrivingBlob#digest()} then names
   * it), and fails when the upload fails. Empty when the store cannot follow uploads.
   */
  default Optional<ArrivingBlob> following(String followKey, Duration within) {
    return Optional.empty();
  }

  /**
   * Why the latest upload of {@code digest} failed (it broke off: its client went away, say; or its bytes were
   * another blob's), while nothing has stored it since: what a reader that finds it missing is told.
   */
  default Optional<String> lastFailure(String digest) {
    return Optional.empty();
  }

  /**
   * An upload its sender may resume: the sender's name for it, under which the store keeps what it received when
   * the call breaks (a restart included), and the byte this call goes on from (0: the start).
   */
  record Resume(String key, long offset) {
    public Resume {
      if (key.isEmpty()) {
        throw new IllegalArgumentException("empty resume key");
      }
      if (offset < 0) {
        throw new IllegalArgumentException("negative offset " + offset + " of upload " + key);
      }
    }
  }

  /** How many bytes the store keeps of the upload resumable under {@code resumeKey} (0: none). */
  default long resumable(String resumeKey) throws IOException {
    return 0;
  }

  /**
   * As {@link #writer(String, long)}, resumable under {@code resume}'s key: the writer starts at its offset, after the
   * bytes the store kept under that key (which it digests again: nothing is trusted until the whole is verified).
   *
   * @throws UploadNotResumableException when the store holds fewer bytes under the key than the offset
   */
  default Writer writer(String digest, long size, Optional<Resume> resume) throws IOException {
    if (resume.isPresent()) {
      throw new UploadNotResumableException(getClass().getSimpleName() + " keeps no uploads to resume");
    }
    return writer(digest, size);
  }

  /**
   * Starts writing a blob whose digest and size its sender learns only once it has written it (a layer streamed
   * while it is compressed): {@link Writer#announce} gives them before {@link Writer#commit()}, which verifies them.
   * At most {@code maxSize} bytes are taken. With a {@code followKey} (else null), readers may follow the upload
   * under it ({@link #following}) before its digest is known: a client reads a layer as its worker streams it to
   * this store. With a {@code resume}, it is resumable as {@link #writer(String, long, Optional)} is.
   */
  default Writer writer(long maxSize, String followKey, Optional<Resume> resume) throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " takes only blobs announced first");
  }

  /** Stores {@code content}, verifying it; returns nothing new if the blob exists. */
  default void put(String digest, long size, InputStream content) throws IOException {
    try (Writer w = writer(digest, size)) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = content.read(buf)) > 0) {
        w.write(buf, 0, n);
      }
      w.commit();
    }
  }

  /** An upload in progress; closing without {@link #commit()} discards it. */
  interface Writer extends AutoCloseable {
    /** Bytes written so far (the offset the next chunk must start at). */
    long written();

    void write(byte[] bytes, int offset, int length) throws IOException;

    /**
     * For a writer made without them ({@link BlobStore#writer(long)}): the digest and size the bytes must turn out
     * to have.
     */
    default void announce(String digest, long size) throws IOException {
      throw new IllegalStateException("this writer's digest was given when it was made");
    }

    /**
     * Verifies size and digest and makes the blob visible.
     *
     * @throws BlobVerificationException when they differ
     */
    void commit() throws IOException;

    /** Drops the upload, also a resumable one's bytes (its sender gave it up); the writer is closed. */
    default void abandon() throws IOException {
      close();
    }

    @Override
    void close() throws IOException;
  }
}
