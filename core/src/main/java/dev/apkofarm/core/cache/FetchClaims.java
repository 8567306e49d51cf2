package dev.apkofarm.core.cache;

import java.io.IOException;
import java.util.Optional;

/**
 * Who fetches a blob from its origin when several processes need it at once: the first to claim it. The others wait
 * until its claim ends, by then usually with the blob shared in a cache tier, and look there again; a claim that
 * ended without the blob shared (its fetch failed) leaves the next one free to claim it. A claim whose holder died
 * must not block anyone for long: implementations let it lapse.
 */
public interface FetchClaims {
  /** No coordination: every caller fetches for itself (a single process, a local build). */
  FetchClaims NONE = key -> Optional.of(() -> { });

  /**
   * Blocks until the caller may fetch {@code key} (a claim, to close once the blob is shared or the fetch failed),
   * or until another holder's claim on it ended (empty: look in the cache tiers again, then claim again).
   *
   * @throws java.io.InterruptedIOException when interrupted while waiting
   */
  Optional<Claim> claim(BlobKey key) throws IOException;

  /** The right to fetch one blob from its origin, held until closed. */
  interface Claim extends AutoCloseable {
    @Override
    void close();
  }
}
