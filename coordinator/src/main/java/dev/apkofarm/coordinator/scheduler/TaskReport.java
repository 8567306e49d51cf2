package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.Stage;
import java.util.Map;
import java.util.Objects;

/** What a worker reports about one attempt of a task. */
public sealed interface TaskReport {
  String taskId();

  int attempt();

  /** Progress within a stage (e.g. fetching 3 of 12 packages). */
  record Progress(String taskId, int attempt, Stage stage, long done, long total, String detail) implements TaskReport {
    public Progress {
      Objects.requireNonNull(stage, "stage");
      detail = detail == null ? "" : detail;
    }
  }

  /** The attempt finished; every blob of {@code result} is in the coordinator's blob store (or pushed). */
  record Completed(
      String taskId, int attempt, BuildResult result, Map<Stage, Long> stageNanos, long packagesFetched,
      long packagesCached)
      implements TaskReport {
    public Completed {
      Objects.requireNonNull(result, "result");
      stageNanos = Map.copyOf(stageNanos);
    }
  }

  /** The attempt failed; {@code permanent} when another attempt cannot help (bad input). */
  record Failed(String taskId, int attempt, String reason, boolean permanent) implements TaskReport {}
}
