package dev.apkofarm.core.oci;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;

/**
 * A blob store in a directory laid out as an OCI layout's {@code blobs/}: {@code <root>/sha256/<hex>}. A blob is
 * written to a temporary file beside its final name and renamed into place once complete, so a reader never sees a
 * partial blob; writing a blob that exists already is a no-op. Safe for concurrent writers.
 */
public final class DirectoryBlobStore implements BlobSink, BlobSource {
  private final Path root;

  /** @param root e.g. {@code <layout>/blobs}; created if missing */
  public DirectoryBlobStore(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root.resolve("sha256"));
  }

  /** The directory holding {@code sha256/}. */
  public Path root() {
    return root;
  }

  /** The file a blob is (or would be) stored in. */
  public Path path(Digest digest) {
    return root.resolve(digest.algorithm()).resolve(digest.hex());
  }

  @Override
  public InputStream open(Digest digest) throws IOException {
    Path p = path(digest);
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(p.toString(), null, "blob " + digest + " is not in " + root);
    }
    return Files.newInputStream(p);
  }

  @Override
  public boolean contains(Digest digest) {
    return Files.isRegularFile(path(digest));
  }

  @Override
  public Pending create() throws IOException {
    Path tmp = Files.createTempFile(root.resolve("sha256"), ".tmp-", "");
    FileModes.readable(tmp);
    return new PendingFile(tmp);
  }

  private final class PendingFile implements Pending {
    private final Path tmp;
    private final MessageDigest sha = Digest.newSha256();
    private final CountingDigestStream stream;
    private boolean done;

    PendingFile(Path tmp) throws IOException {
      this.tmp = tmp;
      this.stream = new CountingDigestStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), sha);
    }

    @Override
    public OutputStream stream() {
      return stream;
    }

    @Override
    public Descriptor commit(String mediaType) throws IOException {
      stream.close();
      Digest digest = Digest.sha256(sha.digest());
      Path target = path(digest);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
      return Descriptor.of(mediaType, digest, stream.count());
    }

    @Override
    public void close() throws IOException {
      if (!done) {
        stream.close();
        Files.deleteIfExists(tmp);
        done = true;
      }
    }
  }

  /** Counts and digests the bytes passing to the file. */
  static final class CountingDigestStream extends FilterOutputStream {
    private final MessageDigest digest;
    private long count;
    private boolean closed;

    CountingDigestStream(OutputStream out, MessageDigest digest) {
      super(out);
      this.digest = digest;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      digest.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        super.close();
      }
    }
  }
}
