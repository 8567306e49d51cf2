package dev.apkofarm.worker.pipeline;

import java.util.List;

/** Where the task runner reports to: the coordinator, over whatever connection the worker has. */
public interface Reporter {
  /** How far an attempt is (throttled by the runner). */
  void progress(TaskId ref, BuildStage stage, long done, long total, String detail);

  /** An attempt finished and its blobs are where the coordinator expects them (the delivery timed in its stages). */
  void succeeded(TaskId ref, BuiltTask built);

  /** An attempt ended without a result; {@code permanent} when another attempt cannot help (bad input). */
  void failed(TaskId ref, String reason, boolean permanent);

  /** The worker takes no new task; {@code handedBack} are attempts it gives up (empty when it only announces). */
  void draining(List<TaskId> handedBack);
}
