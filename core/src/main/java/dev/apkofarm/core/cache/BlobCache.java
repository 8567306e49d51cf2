package dev.apkofarm.core.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Optional;

/**
 * A content-addressed store of blobs (packages, indexes, layers): the seam between the engine and the farm. Core
 * ships a disk implementation; the worker adds a Hazelcast tier.
 *
 * <p>A cache is untrusted: it may lose, truncate or corrupt entries. Readers verify every blob against its key
 * before use and {@link #remove} an entry that fails, then fetch it again from the source.
 */
public interface BlobCache {
  /** Opens the blob stored under {@code key}, or empty when absent. The caller closes the stream. */
  Optional<InputStream> open(BlobKey key) throws IOException;

  /**
   * Stores {@code content} under {@code key}, streaming it (implementations must not buffer the whole blob in
   * heap). Idempotent; a concurrent reader never sees a partially written entry.
   */
  void put(BlobKey key, InputStream content) throws IOException;

  /**
   * Offers a verified blob this process keeps on disk, for other processes to take: a tier may copy it in (what
   * {@link #put} does, the default) or only record where it is and serve it from there (a farm's tier for large
   * blobs, which never copies them into memory). The file stays where it is.
   */
  default void offer(BlobKey key, LocalBlob blob) throws IOException {
    try (InputStream in = Files.newInputStream(blob.file())) {
      put(key, in);
    }
  }

  /** Removes the entry, e.g. after it failed verification. Absent keys are ignored. */
  void remove(BlobKey key) throws IOException;
}
