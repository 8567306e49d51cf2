package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.TaskRecord;

/** What the scheduler tells a worker. */
public sealed interface WorkerCommand {
  /** Build this task; the lease ends at {@code leaseExpiresAtMillis} unless the worker keeps talking. */
  record Assign(TaskRecord task, BuildSettings settings, long leaseExpiresAtMillis) implements WorkerCommand {}

  /** Stop this attempt of a task. */
  record Cancel(String taskId, int attempt, String reason) implements WorkerCommand {}

  /** Finish what you run, take nothing new. */
  record Drain() implements WorkerCommand {}

  /** Close the stream and connect again at that time. */
  record ComeBackAt(long atMillis, String reason) implements WorkerCommand {}
}
