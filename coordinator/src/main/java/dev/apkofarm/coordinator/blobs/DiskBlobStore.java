package dev.apkofarm.coordinator.blobs;

import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link BlobStore} in a directory laid out like an OCI layout's {@code blobs/}: {@code sha256/<hex>}. Writes go to
 * a temp file in the same directory, are digested while written, and are renamed into place only once verified.
 * While an upload with its digest given first is under way, readers may follow its temp file ({@link #arriving}):
 * the first upload of a digest is the one followed, and the reader's end waits for its verification.
 *
 * <p>An upload its sender names by a resume key writes to a temp file named by that key ({@link #resumePath}), which
 * stays when the call breaks off, and when the coordinator is killed: the sender asks how much is kept ({@link
 * #resumable}) and goes on from there. A resumed writer digests the kept bytes again, so what a dead process left
 * is trusted no more than a new upload; bytes that turn out not to be the blob are deleted with the temp file.
 *
 * <p>A blob's modification time is when it was last stored or asked for ({@link #keep}): {@link BlobCollector}
 * removes only blobs that are unreferenced and older than its grace period, and never one that is expected, arriving
 * or being written. Storing, keeping and removing a blob take one lock, so a blob kept is never removed by a sweep
 * that looked at it before.
 */
public final class DiskBlobStore implements BlobStore {
  /** The prefix of an upload's temp file (in {@code sha256/}, beside the blobs it becomes). */
  static final String UPLOAD_PREFIX = ".upload-";

  private final Path root;
  private final Clock clock;
  /** Blobs expected or arriving, by digest; an entry leaves when its upload is stored or fails. */
  private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
  /**
   * Uploads streamed before their digest is known that readers follow by key (a layer a client reads while its
   * worker streams it here), or that a reader waits for: an entry leaves when its upload ends.
   */
  private final Map<String, Arrival> followed = new ConcurrentHashMap<>();
  /** The most failures of uploads kept for {@link #lastFailure} (the latest ones). */
  private static final int FAILURES_KEPT = 1024;
  /** Why the latest upload of a digest failed, by digest, until one stores it; the oldest go first. */
  private final Map<String, String> failures = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > FAILURES_KEPT;
        }
      });
  /** The writers of resumable uploads open now, by resume key. */
  private final Map<String, DiskWriter> resuming = new ConcurrentHashMap<>();
  /**
   * Taken to open a resumable writer, so two calls resuming one key take turns. Never taken while a writer's own lock
   * is held (a writer leaves {@link #resuming} without it), so opening, which waits for the writer it supersedes, and
   * a commit, which holds that writer, cannot wait for each other.
   */
  private final Object resumeOpen = new Object();
  /** The temp files of the writers open now. */
  private final Set<Path> writing = ConcurrentHashMap.newKeySet();
  /** Taken by what makes a blob visible or young (commit, keep) and by the collector's removal. */
  private final Object collection = new Object();

  public DiskBlobStore(Path root) throws IOException {
    this(root, Clock.systemUTC());
  }

  /** @param clock what a blob's "last stored or asked for" time is read from (tests control it) */
  public DiskBlobStore(Path root, Clock clock) throws IOException {
    this.root = root;
    this.clock = clock;
    Files.createDirectories(root.resolve("sha256"));
  }

  public Path root() {
    return root;
  }

  /** Where a blob lives (whether or not present). */
  public Path path(String digest) {
    Digest d = Digest.parse(digest);
    return root.resolve(d.algorithm()).resolve(d.hex());
  }

  @Override
  public boolean has(String digest) {
    return Files.isRegularFile(path(digest));
  }

  /**
   * Whether the blob is stored; if so it counts as young again (its time is now), so a sweep keeps it for a grace
   * period: a client told that the store has a blob submits a job naming it without uploading it.
   */
  @Override
  public boolean keep(String digest) {
    Path p = path(digest);
    synchronized (collection) {
      try {
        Files.setLastModifiedTime(p, FileTime.from(clock.instant()));
        return true;
      } catch (java.nio.file.NoSuchFileException e) {
        return false;
      } catch (IOException e) {
        return Files.isRegularFile(p); // present but not touchable (a read-only store): kept by its references
      }
    }
  }

  /** Like {@link #keep(String)} for a directory the coordinator derives from blobs (an input tree). */
  public boolean keepDirectory(Path dir) {
    synchronized (collection) {
      try {
        Files.setLastModifiedTime(dir, FileTime.from(clock.instant()));
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }

  Clock clock() {
    return clock;
  }

  /**
   * Removes the blob if nothing in this store needs it (no upload of it expected, arriving or written) and it was
   * last stored or asked for before {@code cutoff}; its references are the caller's to have checked.
   *
   * @return the bytes freed, or -1 when kept
   */
  long removeIfIdle(String digest, Instant cutoff) throws IOException {
    Path p = path(digest);
    synchronized (collection) {
      if (arrivals.containsKey(digest) || !idleSince(p, cutoff)) {
        return -1;
      }
      long size = Files.size(p);
      return Files.deleteIfExists(p) ? size : -1;
    }
  }

  /** Removes an upload's temp file that no writer of this process has open (a killed coordinator's) if it is old. */
  long removeUploadIfIdle(Path tmp, Instant cutoff) throws IOException {
    synchronized (collection) {
      if (writing.contains(tmp) || !idleSince(tmp, cutoff)) {
        return -1;
      }
      long size = Files.size(tmp);
      return Files.deleteIfExists(tmp) ? size : -1;
    }
  }

  /**
   * Moves {@code dir} (an input tree) aside to {@code aside} if it was last kept before {@code cutoff}, so it
   * disappears at once and whole; the caller deletes {@code aside}.
   */
  boolean setAsideIfIdle(Path dir, Path aside, Instant cutoff) throws IOException {
    synchronized (collection) {
      if (!idleSince(dir, cutoff)) {
        return false;
      }
      Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
      return true;
    }
  }

  private static boolean idleSince(Path p, Instant cutoff) throws IOException {
    try {
      return Files.getLastModifiedTime(p).toInstant().isBefore(cutoff);
    } catch (java.nio.file.NoSuchFileException e) {
      return false; // gone already
    }
  }

  @Override
  public OptionalLong size(String digest) {
    try {
      Path p = path(digest);
      return Files.isRegularFile(p) ? OptionalLong.of(Files.size(p)) : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public Optional<InputStream> open(String digest) throws IOException {
    Path p = path(digest);
    try {
      return Optional.of(Files.newInputStream(p));
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<InputStream> open(String digest, long offset) throws IOException {
    try {
      FileChannel channel = FileChannel.open(path(digest), StandardOpenOption.READ);
      return Optional.of(Channels.newInputStream(channel.position(offset)));
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<ArrivingBlob> arriving(String digest, long offset) {
    Arrival a = arrivals.get(Digest.parse(digest).toString());
    return a == null ? Optional.empty() : Optional.of(new ArrivingBlob(a, this::path, offset));
  }

  @Override
  public Optional<ArrivingBlob> following(String followKey, Duration within) {
    long now = System.nanoTime();
    followed.values().removeIf(a -> a.expectedPast(now)); // readers that waited for an upload that never began
    Arrival a = followed.computeIfAbsent(followKey, k -> Arrival.expected("upload " + k, within));
    a.expectUntil(now + within.toNanos());
    return Optional.of(new ArrivingBlob(a, this::path, 0));
  }

  @Override
  public void expect(String digest, Duration within) {
    String d = Digest.parse(digest).toString();
    long now = System.nanoTime();
    arrivals.values().removeIf(a -> a.expectedPast(now)); // expectations nobody met
    if (!has(d)) {
      arrivals.computeIfAbsent(d, k -> Arrival.expected(k, within)).expectUntil(now + within.toNanos());
    }
  }

  @Override
  public Optional<String> lastFailure(String digest) {
    return has(digest) ? Optional.empty() : Optional.ofNullable(failures.get(digest));
  }

  @Override
  public OptionalLong arrivingSize(String digest) {
    Arrival a = arrivals.get(digest);
    long size = a == null ? -1 : a.announcedSize();
    return size < 0 ? OptionalLong.empty() : OptionalLong.of(size);
  }

  @Override
  public Writer writer(String digest, long size) throws IOException {
    return writer(digest, size, Optional.empty());
  }

  @Override
  public Writer writer(String digest, long size, Optional<Resume> resume) throws IOException {
    path(digest); // a digest, or refused here
    if (size < 0) {
      throw new IllegalArgumentException("negative size for " + digest);
    }
    DiskWriter w = open(digest, size, size, resume);
    w.follow();
    return w;
  }

  @Override
  public Writer writer(long maxSize, String followKey, Optional<Resume> resume) throws IOException {
    DiskWriter w = open(null, -1, maxSize, resume);
    if (followKey != null) {
      w.followBy(followKey);
    }
    return w;
  }

  @Override
  public long resumable(String resumeKey) throws IOException {
    try {
      return Files.size(resumePath(resumeKey));
    } catch (java.nio.file.NoSuchFileException e) {
      return 0;
    }
  }

  /**
   * The temp file of the upload resumable under {@code key}: named by the key's sha256, so a key from the network is
   * never a path, and beginning as every upload's temp file does, so the collector removes it once it lies idle.
   */
  Path resumePath(String key) {
    return root.resolve("sha256").resolve(UPLOAD_PREFIX + "resume-"
        + Digest.of(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hex());
  }

  private DiskWriter open(String digest, long size, long max, Optional<Resume> resume) throws IOException {
    if (resume.isEmpty()) {
      return new DiskWriter(digest, size, max, Files.createTempFile(root.resolve("sha256"), UPLOAD_PREFIX, ".tmp"),
          null, 0);
    }
    Resume r = resume.get();
    synchronized (resumeOpen) {
      // A call that broke off may not have ended here yet when its sender resumes it: the new call takes the file
      // over, and the old one writes nothing more.
      DiskWriter old = resuming.remove(r.key());
      if (old != null) {
        old.supersede();
      }
      DiskWriter w = new DiskWriter(digest, size, max, resumePath(r.key()), r.key(), r.offset());
      resuming.put(r.key(), w);
      return w;
    }
  }

  private final class DiskWriter implements Writer {
    private String digest;
    private long size;
    private final long max;
    private final Path tmp;
    private final OutputStream out;
    private final MessageDigest sha = Digest.newSha256();
    private long written;
    private boolean committed;
    /** The arrival readers follow, when this upload is the one they follow. */
    private Arrival arrival;
    /** The key readers follow this upload by, before its digest is known (null: none). */
    private String followKey;

    /** The key the sender may resume this upload by (null: not resumable). */
    private final String resumeKey;
    /** Set when its bytes cannot be the blob (too many, another digest): a resumable upload's file goes too. */
    private boolean spoiled;
    /** Set when a resumed call of the same key took the file over. */
    private boolean superseded;

    /**
     * @param digest null until {@link #announce}d
     * @param resumeKey with {@code offset}: a resumable upload going on from that byte of what {@code tmp} holds
     */
    DiskWriter(String digest, long size, long max, Path tmp, String resumeKey, long offset) throws IOException {
      this.digest = digest;
      this.size = size;
      this.max = max;
      this.tmp = tmp;
      this.resumeKey = resumeKey;
      if (resumeKey == null) {
        this.out = Files.newOutputStream(tmp);
        writing.add(tmp);
        return;
      }
      if (offset > (size < 0 ? max : size)) {
        throw new BlobVerificationException("upload " + resumeKey + " resumed at byte " + offset + ", past the "
            + (size < 0 ? "most a streamed blob may have, " + max : "blob's " + size + " bytes"));
      }
      // Written first: the kept file may be older than the grace period, and a sweep must not take it while its
      // bytes are digested again.
      synchronized (collection) {
        writing.add(tmp);
      }
      FileChannel channel = null;
      try {
        channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long held = channel.size();
        if (offset > held) {
          throw new UploadNotResumableException("upload " + resumeKey + " cannot go on from byte " + offset + ": "
              + held + " bytes of it are kept");
        }
        channel.truncate(offset);
        digestPrefix(offset);
        channel.position(offset);
      } catch (IOException | RuntimeException e) {
        if (channel != null) {
          channel.close();
        }
        writing.remove(tmp);
        throw e;
      }
      this.out = Channels.newOutputStream(channel); // unbuffered, as followers and UploadStatus need
      this.written = offset;
    }

    /** Digests the first {@code n} bytes of the temp file: what this upload's earlier calls sent. */
    private void digestPrefix(long n) throws IOException {
      try (InputStream in = Files.newInputStream(tmp)) {
        byte[] buf = new byte[64 * 1024];
        long left = n;
        while (left > 0) {
          int r = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (r < 0) {
            throw new UploadNotResumableException("upload " + resumeKey + " lost bytes before " + n);
          }
          sha.update(buf, 0, r);
          left -= r;
        }
      }
    }

    /** Gives the temp file up to a resumed call of the same key: nothing more is written, committed or deleted. */
    synchronized void supersede() {
      if (committed) {
        return; // stored meanwhile: nothing is left to take over (the resumed call finds no kept bytes)
      }
      superseded = true;
      try {
        out.close();
      } catch (IOException ignored) {
        // nothing more goes through it either way
      }
      if (arrival != null) {
        arrival.failed("its upload was resumed by another call");
        arrivals.remove(digest, arrival);
        if (followKey != null) {
          followed.remove(followKey, arrival);
        }
      }
      writing.remove(tmp); // the new writer adds it again
    }

    @Override
    public long written() {
      return written;
    }

    /** Once the digest is known: makes this the upload readers follow, if it is the first of its digest. */
    private void follow() {
      if (has(digest)) {
        return;
      }
      Arrival a = arrivals.computeIfAbsent(digest, k -> Arrival.expected(k, Duration.ZERO));
      if (a.tryBegin(tmp, size)) {
        arrival = a;
        a.wrote(written);
      }
    }

    /** Makes this upload (its digest not known yet) the one readers of {@code key} follow. */
    private void followBy(String key) {
      // One step, so a reader that asks meanwhile finds this upload, not an expectation it replaces.
      arrival = followed.compute(key, (k, old) -> {
        if (old != null && old.tryBegin(tmp, -1)) {
          return old; // readers waited for it
        }
        // None waiting, or one that ended (an earlier upload of the key): this upload is followed now.
        Arrival fresh = Arrival.expected("upload " + k, Duration.ZERO);
        fresh.tryBegin(tmp, -1);
        return fresh;
      });
      followKey = key;
    }

    @Override
    public void announce(String digest, long size) throws IOException {
      if (this.digest != null) {
        throw new IllegalStateException("blob " + this.digest + " was announced already");
      }
      path(digest);
      if (size < 0 || size > max) {
        throw new BlobVerificationException("blob " + digest + " announced with " + size + " bytes (at most " + max
            + ")");
      }
      this.digest = digest;
      this.size = size;
      if (followKey != null) {
        arrival.announce(digest, size); // its followers end at this size, with this digest
      } else {
        follow(); // announced while its bytes still come (a client digests a package as it sends it)
      }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
      if (superseded) {
        throw new IOException("upload " + resumeKey + " was resumed by another call");
      }
      if (written + length > (digest == null ? max : size)) {
        spoiled = true;
        throw new BlobVerificationException(digest == null
            ? "a blob streamed without its digest passed " + max + " bytes"
            : "blob " + digest + " is larger than its announced " + size + " bytes");
      }
      out.write(bytes, offset, length);
      sha.update(bytes, offset, length);
      written += length;
      if (arrival != null) {
        arrival.wrote(written); // in the file now (the stream does not buffer): followers may read it
      }
    }

    @Override
    public synchronized void commit() throws IOException {
      if (superseded) {
        throw new IOException("upload " + resumeKey + " was resumed by another call");
      }
      out.close();
      if (digest == null) {
        throw new BlobVerificationException("a blob streamed without its digest ended without announcing it");
      }
      Path target = path(digest);
      if (written != size) {
        throw new BlobVerificationException(
            "blob " + digest + " has " + written + " bytes, announced " + size);
      }
      String actual = Digest.sha256(sha.digest()).toString();
      if (!actual.equals(digest)) {
        spoiled = true;
        throw new BlobVerificationException("blob announced as " + digest + " has digest " + actual);
      }
      synchronized (collection) {
        // Its time is now (a blob stored again is young again), whatever the temp file's last write was.
        Files.setLastModifiedTime(tmp, FileTime.from(clock.instant()));
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
          Files.deleteIfExists(tmp); // the same verified bytes are there already
          keep(digest);
        }
      }
      committed = true;
      writing.remove(tmp);
      forget();
      failures.remove(digest);
      if (arrival != null) {
        arrival.stored();
        arrivals.remove(digest, arrival);
        if (followKey != null) {
          followed.remove(followKey, arrival);
        }
      }
    }

    @Override
    public synchronized void abandon() throws IOException {
      spoiled = true;
      close();
    }

    /** This writer is no longer the open one of its resume key. */
    private void forget() {
      if (resumeKey != null) {
        resuming.remove(resumeKey, this);
      }
    }

    @Override
    public synchronized void close() throws IOException {
      if (superseded) {
        return; // the call that resumed the upload owns its file and its followers
      }
      out.close();
      if (!committed) {
        if (arrival != null) {
          arrival.failed(why());
          if (followKey != null) {
            followed.remove(followKey, arrival);
          } else {
            arrivals.remove(digest, arrival);
          }
        }
        if (digest != null && followKey == null) {
          failures.put(digest, why());
        }
        if (resumeKey == null || spoiled) {
          Files.deleteIfExists(tmp);
        } // else kept for the sender to resume (UploadStatus), until the collector finds it idle
        writing.remove(tmp);
        forget();
      }
    }

    /** Why this upload, closed without being stored, failed. */
    private String why() {
      return written == size ? "its bytes are not " + digest
          : "it broke off at byte " + written + (size < 0 ? "" : " of " + size);
    }
  }
}
