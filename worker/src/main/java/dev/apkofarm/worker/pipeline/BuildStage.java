package dev.apkofarm.worker.pipeline;

/** The stages of a per-arch build as a worker reports them. */
public enum BuildStage {
  RESOLVE,
  FETCH,
  INSTALL,
  LAYER,
  PUSH,
  /** Sending the built blobs to the coordinator's store (without {@code --push}). */
  UPLOAD
}
