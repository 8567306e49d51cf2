package dev.apkofarm.worker.pipeline;

import java.util.Objects;

/**
 * One attempt of a task: the coordinator's task id and the attempt number, which tells a stale report (of an attempt
 * the coordinator already gave to another worker) from a current one.
 */
public record TaskId(String taskId, int attempt) {
  public TaskId {
    Objects.requireNonNull(taskId, "taskId");
  }

  @Override
  public String toString() {
    return taskId + " (attempt " + attempt + ")";
  }

  // Written out: a record's own bootstrap through method handles on first use (docs/engineering.md, "Start-up").
  @Override
  public boolean equals(Object o) {
    return o instanceof TaskId x && attempt == x.attempt && taskId.equals(x.taskId);
  }

  @Override
  public int hashCode() {
    return 31 * taskId.hashCode() + attempt; // the record's own formula
  }
}
