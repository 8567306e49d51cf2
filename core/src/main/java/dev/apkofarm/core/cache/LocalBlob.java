package dev.apkofarm.core.cache;

import dev.apkofarm.core.oci.Digest;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A verified blob this process holds on disk (in its disk cache), as offered to a shared tier: where it is, and the
 * sha256 and size of the file, which whoever takes it from here checks while the bytes stream.
 *
 * @param file where the blob is (it stays there: a tier never moves or deletes it)
 * @param sha256 the file's digest
 * @param size the file's length
 */
public record LocalBlob(Path file, Digest sha256, long size) {
  public LocalBlob {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(sha256, "sha256");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " of " + file);
    }
  }
}
