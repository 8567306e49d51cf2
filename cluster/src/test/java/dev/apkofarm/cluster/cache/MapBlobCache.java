package dev.apkofarm.cluster.cache;

import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.core.cache.BlobKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A heap {@link BlobCache} standing in for a worker's disk tier in tests. */
final class MapBlobCache implements BlobCache {
  final Map<String, byte[]> entries = new ConcurrentHashMap<>();

  @Override
  public Optional<InputStream> open(BlobKey key) {
    byte[] b = entries.get(key.value());
    return b == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(b));
  }

  @Override
  public void put(BlobKey key, InputStream content) throws IOException {
    entries.putIfAbsent(key.value(), content.readAllBytes());
  }

  @Override
  public void remove(BlobKey key) {
    entries.remove(key.value());
  }
}
