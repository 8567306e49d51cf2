package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.model.TaskStatus;
import dev.apkofarm.coordinator.state.ClusterState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The scheduler's in-memory view of the live (non-terminal) jobs and tasks, written through to the cluster state.
 * Touched only on the scheduler's thread (the ready queue and jobs are also read by metrics).
 */
final class Book {
  final Map<String, JobRecord> jobs = new ConcurrentHashMap<>();
  final Map<String, TaskRecord> tasks = new HashMap<>();
  /** build key -> the task that builds it. */
  final Map<String, String> inFlight = new HashMap<>();
  /** order -> task id: the ready queue, oldest first. */
  final ConcurrentSkipListMap<Long, String> ready = new ConcurrentSkipListMap<>();
  long nextOrder = 1;

  /** Stores a change computed from the task's current version. */
  void put(ClusterState state, TaskRecord t) {
    if (!state.replaceTask(t)) {
      throw new IllegalStateException(
          "task " + t.id() + " was changed by another coordinator (expected version " + (t.version() - 1) + ")");
    }
    tasks.put(t.id(), t);
  }

  void queue(TaskRecord t) {
    ready.put(t.order(), t.id());
  }

  void unqueue(String taskId) {
    TaskRecord t = tasks.get(taskId);
    if (t != null) {
      ready.remove(t.order(), taskId);
    }
  }

  List<TaskRecord> followersOf(String leaderId) {
    List<TaskRecord> out = new ArrayList<>();
    for (TaskRecord t : tasks.values()) {
      if (t.status() == TaskStatus.DEDUPLICATED && leaderId.equals(t.follows())) {
        out.add(t);
      }
    }
    out.sort(Comparator.comparingLong(TaskRecord::order));
    return out;
  }

  /** The live tasks of a job (of one image when {@code image} is not null), by arch. */
  List<TaskRecord> tasksOf(String jobId, String image) {
    List<TaskRecord> out = new ArrayList<>();
    for (TaskRecord t : tasks.values()) {
      if (t.jobId().equals(jobId) && (image == null || t.image().equals(image))) {
        out.add(t);
      }
    }
    out.sort(Comparator.comparingLong(TaskRecord::order));
    return out;
  }

  /** Drops a finished job from memory (the cluster state keeps it). */
  void forget(String jobId) {
    jobs.remove(jobId);
    tasks.values().removeIf(t -> t.jobId().equals(jobId));
  }
}
