package dev.apkofarm.coordinator.model;

/** The stages of a per-arch build, as workers report them and metrics time them. */
public enum Stage {
  RESOLVE,
  FETCH,
  INSTALL,
  LAYER,
  PUSH,
  /** Sending the built blobs to the coordinator's store (without {@code --push}). */
  UPLOAD;

  /** The lower-case name used in metrics tags and plain output. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
