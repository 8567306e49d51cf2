package dev.apkofarm.coordinator.model;

/** Where one image of a job is in its life. */
public enum ImageStatus {
  LOCKING,
  BUILDING,
  ASSEMBLING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
