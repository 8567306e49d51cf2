package dev.apkofarm.core.apk.repo;

import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.pkg.ApkLayout;
import dev.apkofarm.core.apk.sign.Keyring;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Verified, parsed repository indexes kept in memory between locks, each with the validator it was fetched under (an
 * HTTP ETag, or a local file's digest; see {@link Fetcher#fetchIfChanged}), so that looking at an unchanged repository
 * again costs one conditional fetch and neither a download, a decompression nor a signature check. For a long-lived
 * process that locks the same configs again and again (the coordinator, its registry front); bounded, least recently
 * used out.
 *
 * <p>An entry is only reused for the same keyring, the same signature switch and the same size limit: the index it
 * holds was verified and read under those.
 */
public final class IndexCache {
  private final Map<Key, Entry> entries;
  private long hits;
  private long misses;

  /** A cache holding at most {@code capacity} indexes (one per repository and arch). */
  public IndexCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("an index cache holds at least one index, not " + capacity);
    }
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * What an entry was verified under.
   *
   * @param indexUrl the index's location
   * @param keyring a digest of the keyring's names and keys
   * @param verify whether signatures were checked
   * @param maxDecompressed the decompressed size limit it was read within
   */
  record Key(String indexUrl, String keyring, boolean verify, long maxDecompressed) {
    Key {
      Objects.requireNonNull(indexUrl, "indexUrl");
      Objects.requireNonNull(keyring, "keyring");
    }

    static Key of(String indexUrl, Keyring keyring, boolean verify, long maxDecompressed) {
      MessageDigest md = ApkLayout.newDigest("sha256");
      for (Keyring.Key k : keyring.keys()) {
        md.update((k.name() + "\0" + k.pem() + "\0").getBytes(StandardCharsets.UTF_8));
      }
      return new Key(indexUrl, HexFormat.of().formatHex(md.digest()), verify, maxDecompressed);
    }
  
    // Written out: a record's own bootstrap through method handles on first use (docs/engineering.md, "Start-up").
    @Override
    public boolean equals(Object o) {
      return o instanceof Key x && verify == x.verify && maxDecompressed == x.maxDecompressed
          && indexUrl.equals(x.indexUrl) && keyring.equals(x.keyring);
    }

    @Override
    public int hashCode() {
      int h = 31 * indexUrl.hashCode() + keyring.hashCode(); // the record's own formula
      h = 31 * h + Boolean.hashCode(verify);
      return 31 * h + Long.hashCode(maxDecompressed);
    }
  }

  /**
   * A parsed index and the validator of the bytes it was parsed from.
   *
   * @param validator what {@link Fetcher#fetchIfChanged} compares
   * @param index the verified index
   */
  record Entry(String validator, ApkIndex index) {
    Entry {
      Objects.requireNonNull(validator, "validator");
      Objects.requireNonNull(index, "index");
    }
  }

  /**
   * How often a lookup found an index still valid (a 304 or an equal digest) and how often an index had to be read.
   *
   * @param hits unchanged indexes answered from memory
   * @param misses indexes read (first time, changed, or evicted)
   */
  public record Stats(long hits, long misses) {}

  synchronized Optional<Entry> get(Key key) {
    return Optional.ofNullable(entries.get(key));
  }

  synchronized void hit() {
    hits++;
  }

  synchronized void put(Key key, Optional<Entry> entry) {
    misses++;
    if (entry.isPresent()) {
      entries.put(key, entry.get());
    } else {
      entries.remove(key); // no validator: nothing to revalidate a kept copy with
    }
  }

  public synchronized Stats stats() {
    return new Stats(hits, misses);
  }
}
