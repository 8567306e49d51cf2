package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.ImageRecord;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.model.TaskStatus;
import dev.apkofarm.coordinator.state.ClusterState;
import dev.apkofarm.core.config.Arch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  /** Ids of tasks that were DEDUPLICATED when last stored (a superset: entries are checked when read). */
  private final Set<String> followers = new HashSet<>();
  long nextOrder = 1;

  /** Stores a change computed from the task's current version. */
  void put(ClusterState state, TaskRecord t) {
    if (!state.replaceTask(t)) {
      throw new IllegalStateException(
          "task " + t.id() + " was changed by another coordinator (expected version " + (t.version() - 1) + ")");
    }
    track(t);
  }

  /** Keeps {@code t} as the live version of its task (already stored). */
  void track(TaskRecord t) {
    tasks.put(t.id(), t);
    if (t.status() == TaskStatus.DEDUPLICATED) {
      followers.add(t.id());
    }
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
    for (Iterator<String> it = followers.iterator(); it.hasNext(); ) {
      TaskRecord t = tasks.get(it.next());
      if (t == null || t.status() != TaskStatus.DEDUPLICATED) {
        it.remove();
      } else if (leaderId.equals(t.follows())) {
        out.add(t);
      }
    }
    out.sort(Comparator.comparingLong(TaskRecord::order));
    return out;
  }

  /**
   * The live tasks of a job (of one image when {@code image} is not null), in queue order. Found by id (a task id
   * follows from the job, the image and the arch), not by scanning every live task.
   */
  List<TaskRecord> tasksOf(String jobId, String image) {
    JobRecord job = jobs.get(jobId);
    if (job == null) {
      return List.of();
    }
    List<TaskRecord> out = new ArrayList<>();
    for (ImageRecord i : job.images()) {
      if (image != null && !i.name().equals(image)) {
        continue;
      }
      for (String arch : i.archs()) {
        TaskRecord t = tasks.get(TaskRecord.idOf(jobId, i.name(), Arch.parse(arch).orElseThrow()));
        if (t != null) {
          out.add(t);
        }
      }
    }
    out.sort(Comparator.comparingLong(TaskRecord::order));
    return out;
  }

  /** Drops a finished job from memory (the cluster state keeps it). */
  void forget(String jobId) {
    for (TaskRecord t : tasksOf(jobId, null)) {
      tasks.remove(t.id());
    }
    jobs.remove(jobId);
  }
}
