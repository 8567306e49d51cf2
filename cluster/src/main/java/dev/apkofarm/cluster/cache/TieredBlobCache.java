package dev.apkofarm.cluster.cache;

import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.core.cache.BlobKey;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A near cache (a worker's disk) in front of a far one (the cluster): reads try near, then far (copying what far had
 * into near); writes go to both; a removal (an entry that failed verification) removes from both, so a poisoned far
 * entry is not served again from either.
 */
public final class TieredBlobCache implements BlobCache {
  private final BlobCache near;
  private final BlobCache far;

  public TieredBlobCache(BlobCache near, BlobCache far) {
    this.near = near;
    this.far = far;
  }

  @Override
  public Optional<InputStream> open(BlobKey key) throws IOException {
    Optional<InputStream> n = near.open(key);
    if (n.isPresent()) {
      return n;
    }
    Optional<InputStream> f = far.open(key);
    if (f.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = f.get()) {
      near.put(key, in);
    }
    return near.open(key);
  }

  @Override
  public void put(BlobKey key, InputStream content) throws IOException {
    near.put(key, content);
    Optional<InputStream> stored = near.open(key);
    if (stored.isPresent()) {
      try (InputStream in = stored.get()) {
        far.put(key, in);
      }
    }
  }

  @Override
  public void remove(BlobKey key) throws IOException {
    near.remove(key);
    far.remove(key);
  }
}
