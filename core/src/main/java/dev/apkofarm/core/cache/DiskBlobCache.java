package dev.apkofarm.core.cache;

import dev.apkofarm.core.io.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@link BlobCache} in a directory: one file per key, named by the key. Entries are written to a temp file and
 * renamed into place, so a reader never sees a partial entry; concurrent writers of the same key are harmless
 * because keys are content addresses. Like every cache tier it is untrusted: readers verify what they get.
 */
public final class DiskBlobCache implements BlobCache {
  private final Path dir;

  public DiskBlobCache(Path dir) throws IOException {
    this.dir = dir.toAbsolutePath();
    Files.createDirectories(this.dir);
  }

  /** The directory holding the entries. */
  public Path dir() {
    return dir;
  }

  /** Where the entry for {@code key} lives (present or not): readers that need random access use it directly. */
  public Path file(BlobKey key) {
    return dir.resolve(key.value());
  }

  @Override
  public Optional<InputStream> open(BlobKey key) throws IOException {
    try {
      return Optional.of(Files.newInputStream(file(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void put(BlobKey key, InputStream content) throws IOException {
    AtomicFile.write(file(key), content::transferTo);
  }

  /** A temporary file in the cache directory, to {@link AtomicFile#commit commit} as {@link #file(BlobKey)}. */
  public AtomicFile newEntry() throws IOException {
    return AtomicFile.in(dir, ".put-");
  }

  @Override
  public void remove(BlobKey key) throws IOException {
    Files.deleteIfExists(file(key));
  }

  @Override
  public String toString() {
    return "DiskBlobCache[" + dir + "]";
  }
}
