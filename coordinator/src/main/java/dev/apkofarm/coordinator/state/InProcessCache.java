package dev.apkofarm.coordinator.state;

import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.cache.FetchClaims;
import dev.apkofarm.core.cache.LocalBlob;
import dev.apkofarm.core.cache.SharedCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The package cache of a farm in one process, what the farm's Hazelcast tier is for a farm of several: blobs of at
 * most {@code inlineLimit} bytes in this heap (the small packages a client ships, which the coordinator puts here
 * and the worker reads), at most {@code maxBytes} of them, least recently used evicted first. A larger blob is not
 * kept: the one worker has it on its disk already, and there is no peer to serve it to. No claims either: with one
 * worker, nobody would be served by waiting (two of its threads needing the same package at once both fetch it, as
 * they did on the embedded farm's member, where it took no claim). Untrusted like every tier: readers verify.
 */
final class InProcessCache implements SharedCache {
  private final long inlineLimit;
  private final long maxBytes;
  /** Guarded by {@code this}; in access order, so the first entry is the least recently used. */
  private final LinkedHashMap<BlobKey, byte[]> blobs = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong puts = new AtomicLong();
  private final AtomicLong removals = new AtomicLong();

  InProcessCache(long inlineLimit, long maxBytes) {
    if (inlineLimit < 0 || inlineLimit > Integer.MAX_VALUE - 9 || maxBytes < inlineLimit) {
      throw new IllegalArgumentException("inline limit " + inlineLimit + " must be 0.." + (Integer.MAX_VALUE - 9)
          + " and at most the cache's size " + maxBytes);
    }
    this.inlineLimit = inlineLimit;
    this.maxBytes = maxBytes;
  }

  @Override
  public Optional<InputStream> open(BlobKey key) {
    byte[] b;
    synchronized (this) {
      b = blobs.get(key);
    }
    (b == null ? misses : hits).incrementAndGet();
    // Stored arrays are never written again: every reader may share one.
    return b == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(b));
  }

  /** Keeps {@code content} when it is small; a larger blob is read no further than the limit, and not kept. */
  @Override
  public void put(BlobKey key, InputStream content) throws IOException {
    if (contains(key)) {
      return; // content-addressed: the same bytes are here already
    }
    byte[] head = content.readNBytes((int) inlineLimit + 1);
    if (head.length > inlineLimit) {
      return;
    }
    synchronized (this) {
      if (blobs.putIfAbsent(key, head) != null) {
        return;
      }
      bytes += head.length;
      Iterator<Map.Entry<BlobKey, byte[]>> eldest = blobs.entrySet().iterator();
      while (bytes > maxBytes && eldest.hasNext()) {
        bytes -= eldest.next().getValue().length;
        eldest.remove();
      }
    }
    puts.incrementAndGet();
  }

  @Override
  public void offer(BlobKey key, LocalBlob blob) throws IOException {
    if (blob.size() > inlineLimit || contains(key)) {
      return;
    }
    try (InputStream in = Files.newInputStream(blob.file())) {
      put(key, in);
    }
  }

  @Override
  public void remove(BlobKey key) {
    synchronized (this) {
      byte[] gone = blobs.remove(key);
      if (gone == null) {
        return;
      }
      bytes -= gone.length;
    }
    removals.incrementAndGet();
  }

  @Override
  public Optional<Claim> claim(BlobKey key) throws IOException {
    return FetchClaims.NONE.claim(key);
  }

  @Override
  public synchronized boolean contains(BlobKey key) {
    return blobs.containsKey(key); // no access: a look does not make an entry recently used
  }

  /** The bytes held now (for tests of the bound). */
  synchronized long bytes() {
    return bytes;
  }

  /** The same meters as the farm's inline tier, so a dashboard reads both alike. */
  void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("apkofarm.cache.requests", hits, AtomicLong::get).tag("result", "hit")
        .description("Package cache lookups").register(registry);
    FunctionCounter.builder("apkofarm.cache.requests", misses, AtomicLong::get).tag("result", "miss")
        .description("Package cache lookups").register(registry);
    FunctionCounter.builder("apkofarm.cache.puts", puts, AtomicLong::get).register(registry);
    FunctionCounter.builder("apkofarm.cache.removals", removals, AtomicLong::get)
        .description("Entries removed, e.g. after failing verification").register(registry);
  }

  @Override
  public String toString() {
    return "in-process cache (blobs up to " + inlineLimit + " bytes, " + maxBytes + " bytes in all)";
  }
}
