package dev.apkofarm.coordinator.model;

/** Where one (image, arch) task is in its life. */
public enum TaskStatus {
  /** In the ready queue. */
  QUEUED,
  /** Claimed by a worker under a lease. */
  RUNNING,
  /** Waiting for an identical in-flight task (same build key) to finish. */
  DEDUPLICATED,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
