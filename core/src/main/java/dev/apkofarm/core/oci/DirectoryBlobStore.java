package dev.apkofarm.core.oci;

import dev.apkofarm.core.io.AtomicFile;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
    return new PendingFile(AtomicFile.in(root.resolve("sha256"), ".tmp-"));
  }

  private final class PendingFile implements Pending {
    private final AtomicFile file;
    private final MessageDigest sha = Digest.newSha256();
    private final CountingDigestStream stream;
    private boolean done;

    PendingFile(AtomicFile file) throws IOException {
      this.file = file;
      this.stream = new CountingDigestStream(file.newOutputStream(), sha);
    }

    @Override
    public OutputStream stream() {
      return stream;
    }

    @Override
    public Descriptor commit(String mediaType) throws IOException {
      stream.close();
      Digest digest = Digest.sha256(sha.digest());
      file.commit(path(digest));
      done = true;
      return Descriptor.of(mediaType, digest, stream.count());
    }

    @Override
    public void close() throws IOException {
      if (!done) {
        stream.close();
        file.close();
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
