package dev.apkofarm.core.cache;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A cache tier several processes share, which also settles which of them fetches a blob from its origin: what a
 * farm's members have in common about packages (the Hazelcast-backed one keeps small blobs, a location index of the
 * large ones on members' disks, and the claims). Like every tier it is untrusted: readers verify what it gives.
 */
public interface SharedCache extends BlobCache, FetchClaims {
  /**
   * Whether this tier holds {@code key} now, for reporting where packages came from (a worker counts a package it
   * found here as cached, not fetched). An answer only: it may be stale at once, and it claims nothing.
   */
  default boolean contains(BlobKey key) {
    return false;
  }

  /** {@code cache} shared by nobody: no claims (every caller fetches for itself). */
  static SharedCache unshared(BlobCache cache) {
    return new SharedCache() {
      @Override
      public Optional<InputStream> open(BlobKey key) throws IOException {
        return cache.open(key);
      }

      @Override
      public void put(BlobKey key, InputStream content) throws IOException {
        cache.put(key, content);
      }

      @Override
      public void offer(BlobKey key, LocalBlob blob) throws IOException {
        cache.offer(key, blob);
      }

      @Override
      public void remove(BlobKey key) throws IOException {
        cache.remove(key);
      }

      @Override
      public Optional<Claim> claim(BlobKey key) throws IOException {
        return NONE.claim(key);
      }

      @Override
      public String toString() {
        return cache.toString();
      }
    };
  }
}
