package dev.apkofarm.core.cache;

import java.io.IOException;
import java.io.InputStream;
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

  /** Removes the entry, e.g. after it failed verification. Absent keys are ignored. */
  void remove(BlobKey key) throws IOException;
}
