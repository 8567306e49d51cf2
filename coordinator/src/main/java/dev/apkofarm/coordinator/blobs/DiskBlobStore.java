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
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link BlobStore} in a directory laid out like an OCI layout's {@code blobs/}: {@code sha256/<hex>}. Writes go to
 * a temp file in the same directory, are digested while written, and are renamed into place only once verified.
 * While an upload with its digest given first is under way, readers may follow its temp file ({@link #arriving}):
 * the first upload of a digest is the one followed, and the reader's end waits for its verification.
 */
public final class DiskBlobStore implements BlobStore {
  private final Path root;
  /** Blobs expected or arriving, by digest; an entry leaves when its upload is stored or fails. */
  private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();

  public DiskBlobStore(Path root) throws IOException {
    this.root = root;
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
    return a == null ? Optional.empty() : Optional.of(new ArrivingBlob(a, path(digest), offset));
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
  public OptionalLong arrivingSize(String digest) {
    Arrival a = arrivals.get(digest);
    long size = a == null ? -1 : a.announcedSize();
    return size < 0 ? OptionalLong.empty() : OptionalLong.of(size);
  }

  @Override
  public Writer writer(String digest, long size) throws IOException {
    path(digest); // a digest, or refused here
    if (size < 0) {
      throw new IllegalArgumentException("negative size for " + digest);
    }
    Path tmp = Files.createTempFile(root.resolve("sha256"), ".upload-", ".tmp");
    DiskWriter w = new DiskWriter(digest, size, size, tmp);
    w.follow();
    return w;
  }

  @Override
  public Writer writer(long maxSize) throws IOException {
    Path tmp = Files.createTempFile(root.resolve("sha256"), ".upload-", ".tmp");
    return new DiskWriter(null, -1, maxSize, tmp);
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

    /** @param digest null until {@link #announce}d */
    DiskWriter(String digest, long size, long max, Path tmp) throws IOException {
      this.digest = digest;
      this.size = size;
      this.max = max;
      this.tmp = tmp;
      this.out = Files.newOutputStream(tmp);
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
      follow(); // announced while its bytes still come (a client digests a package as it sends it)
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (written + length > (digest == null ? max : size)) {
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
    public void commit() throws IOException {
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
        throw new BlobVerificationException("blob announced as " + digest + " has digest " + actual);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        Files.deleteIfExists(tmp); // the same verified bytes are there already
      }
      committed = true;
      if (arrival != null) {
        arrival.stored();
        arrivals.remove(digest, arrival);
      }
    }

    @Override
    public void close() throws IOException {
      out.close();
      if (!committed) {
        if (arrival != null) {
          arrival.failed(written == size ? "its bytes are not " + digest : "it broke off at byte " + written + " of "
              + size);
          arrivals.remove(digest, arrival);
        }
        Files.deleteIfExists(tmp);
      }
    }
  }
}
