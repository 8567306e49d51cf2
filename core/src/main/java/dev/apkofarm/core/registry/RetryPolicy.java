package dev.apkofarm.core.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently requests are retried after a 429, a 5xx or a broken connection: exponential backoff
 * from {@code initialBackoff}, doubled each time up to {@code maxBackoff} (a {@code Retry-After} header wins when
 * it asks for less than {@code maxBackoff}).
 *
 * @param maxAttempts total attempts including the first (1 = no retry)
 * @param initialBackoff the first wait
 * @param maxBackoff the longest wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
    }
  }

  /** 5 attempts, 250 ms doubling to 8 s. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(8));
  }

  /** The wait before attempt {@code attempt + 1} (attempt counts from 1). */
  Duration backoff(int attempt) {
    long ms = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
  }
}
