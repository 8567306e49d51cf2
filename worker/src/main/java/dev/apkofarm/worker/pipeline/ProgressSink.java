package dev.apkofarm.worker.pipeline;

/** Where a build reports how far it is (e.g. fetching 3 of 12 packages). Implementations throttle. */
@FunctionalInterface
public interface ProgressSink {
  void progress(BuildStage stage, long done, long total, String detail);
}
