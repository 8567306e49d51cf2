package dev.apkofarm.coordinator.scheduler;

import java.time.Duration;

/**
 * The scheduler's knobs.
 *
 * @param lease how long a worker may stay silent before its tasks are requeued
 * @param heartbeat how often an idle worker says it is alive (well under the lease)
 * @param maxAttempts attempts per task before its image fails
 * @param maxLiveImages images queued or building at once before Submit is refused (backpressure)
 * @param retention how long a finished job (its record, tasks, events, and the build results only it used) stays in
 *     the cluster state for status, watch and downloads before it is removed
 */
public record SchedulerConfig(
    Duration lease, Duration heartbeat, int maxAttempts, int maxLiveImages, Duration retention) {
  /** Finished jobs are kept this long unless configured otherwise. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

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
    if (retention.isNegative()) {
      throw new IllegalArgumentException("retention must not be negative, got " + retention);
    }
  }

  /** With the default retention of finished jobs. */
  public SchedulerConfig(Duration lease, Duration heartbeat, int maxAttempts, int maxLiveImages) {
    this(lease, heartbeat, maxAttempts, maxLiveImages, DEFAULT_RETENTION);
  }

  public SchedulerConfig withRetention(Duration keep) {
    return new SchedulerConfig(lease, heartbeat, maxAttempts, maxLiveImages, keep);
  }

  /** 15 s leases, 5 s heartbeats, 3 attempts, 10,000 live images, finished jobs kept an hour. */
  public static SchedulerConfig defaults() {
    return new SchedulerConfig(Duration.ofSeconds(15), Duration.ofSeconds(5), 3, 10_000);
  }
}
