package dev.apkofarm.coordinator.scheduler;

import java.time.Duration;

/**
 * The scheduler's knobs.
 *
 * @param lease how long a worker may stay silent before its tasks are requeued
 * @param heartbeat how often an idle worker says it is alive (well under the lease)
 * @param maxAttempts attempts per task before its image fails
 * @param maxLiveImages images queued or building at once before Submit is refused (backpressure)
 */
public record SchedulerConfig(Duration lease, Duration heartbeat, int maxAttempts, int maxLiveImages) {
  public SchedulerConfig {
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive");
    }
    if (heartbeat.compareTo(lease) >= 0 || heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat " + heartbeat + " must be positive and shorter than lease " + lease);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    if (maxLiveImages < 1) {
      throw new IllegalArgumentException("maxLiveImages must be >= 1");
    }
  }

  /** 15 s leases, 5 s heartbeats, 3 attempts, 10,000 live images. */
  public static SchedulerConfig defaults() {
    return new SchedulerConfig(Duration.ofSeconds(15), Duration.ofSeconds(5), 3, 10_000);
  }
}
