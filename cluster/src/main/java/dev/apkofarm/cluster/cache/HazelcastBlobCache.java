package dev.apkofarm.cluster.cache;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.core.cache.BlobKey;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The farm's shared package cache: a {@link BlobCache} tier in Hazelcast maps. A blob is stored as chunks of at most
 * {@code chunkSize} bytes (no entry is huge, memory while streaming is one chunk) plus a metadata entry written
 * last, so a reader never sees a half-written blob. The chunk map is bounded by heap and evicts least recently used
 * chunks; a blob that lost a chunk reads as truncated, which the engine's verification rejects (it then removes the
 * entry and fetches the blob again). Nothing read from here is trusted.
 */
public final class HazelcastBlobCache implements BlobCache {
  /** The largest chunk: 4 MiB. */
  public static final int MAX_CHUNK = 4 * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(HazelcastBlobCache.class);

  private final IMap<String, byte[]> chunks;
  private final IMap<String, long[]> meta;
  private final int chunkSize;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong puts = new AtomicLong();
  private final AtomicLong removals = new AtomicLong();
  private final AtomicLong truncated = new AtomicLong();

  public HazelcastBlobCache(HazelcastInstance member) {
    this(member, MAX_CHUNK);
  }

  public HazelcastBlobCache(HazelcastInstance member, int chunkSize) {
    if (chunkSize < 1 || chunkSize > MAX_CHUNK) {
      throw new IllegalArgumentException("chunk size must be 1.." + MAX_CHUNK + ", got " + chunkSize);
    }
    this.chunks = member.getMap(Members.CACHE_CHUNKS);
    this.meta = member.getMap(Members.CACHE_META);
    this.chunkSize = chunkSize;
  }

  /** The map key of chunk {@code n} of a blob. Public so tests can poison an entry the way a fault would. */
  public static String chunkKey(BlobKey key, long n) {
    return key.value() + "#" + n;
  }

  @Override
  public Optional<InputStream> open(BlobKey key) {
    long[] m = meta.get(key.value());
    if (m == null) {
      misses.incrementAndGet();
      return Optional.empty();
    }
    hits.incrementAndGet();
    return Optional.of(new ChunkStream(key, m[0], (int) m[1]));
  }

  @Override
  public void put(BlobKey key, InputStream content) throws IOException {
    if (meta.containsKey(key.value())) {
      return; // content-addressed: the same bytes are there already
    }
    long size = 0;
    int n = 0;
    byte[] buf = new byte[chunkSize];
    while (true) {
      int filled = content.readNBytes(buf, 0, chunkSize);
      if (filled == 0 && n > 0) {
        break;
      }
      byte[] chunk = filled == chunkSize ? buf.clone() : java.util.Arrays.copyOf(buf, filled);
      chunks.set(chunkKey(key, n), chunk);
      size += filled;
      n++;
      if (filled < chunkSize) {
        break;
      }
    }
    meta.set(key.value(), new long[] {size, n});
    puts.incrementAndGet();
  }

  @Override
  public void remove(BlobKey key) {
    long[] m = meta.remove(key.value());
    long n = m == null ? 0 : m[1];
    for (long i = 0; i < n || (m == null && chunks.containsKey(chunkKey(key, i))); i++) {
      chunks.delete(chunkKey(key, i));
    }
    removals.incrementAndGet();
  }

  /** Whether the cache holds {@code key}, without counting a lookup (for reporting where packages came from). */
  public boolean contains(BlobKey key) {
    return meta.containsKey(key.value());
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  /** Registers {@code apkofarm_cache_*} counters (hits, misses, puts, removals, truncated reads). */
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("apkofarm.cache.requests", hits, AtomicLong::get).tag("result", "hit")
        .description("Package cache lookups").register(registry);
    FunctionCounter.builder("apkofarm.cache.requests", misses, AtomicLong::get).tag("result", "miss")
        .description("Package cache lookups").register(registry);
    FunctionCounter.builder("apkofarm.cache.puts", puts, AtomicLong::get).register(registry);
    FunctionCounter.builder("apkofarm.cache.removals", removals, AtomicLong::get)
        .description("Entries removed, e.g. after failing verification").register(registry);
    FunctionCounter.builder("apkofarm.cache.truncated", truncated, AtomicLong::get)
        .description("Reads that found a chunk evicted").register(registry);
  }

  /** Streams a blob chunk by chunk; ends early (so verification fails) when a chunk is gone. */
  private final class ChunkStream extends InputStream {
    private final BlobKey key;
    private final long size;
    private final int count;
    private byte[] current = new byte[0];
    private int pos;
    private int next;
    private long delivered;

    ChunkStream(BlobKey key, long size, int count) {
      this.key = key;
      this.size = size;
      this.count = count;
    }

    private boolean fill() {
      while (pos >= current.length) {
        if (next >= count || delivered >= size) {
          return false;
        }
        byte[] c = chunks.get(chunkKey(key, next));
        if (c == null) {
          truncated.incrementAndGet();
          log.debug("cache entry {} lost chunk {} of {}", key, next, count);
          next = count;
          return false;
        }
        next++;
        current = c;
        pos = 0;
      }
      return true;
    }

    @Override
    public int read() {
      if (!fill()) {
        return -1;
      }
      delivered++;
      return current[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      delivered += n;
      return n;
    }
  }
}
