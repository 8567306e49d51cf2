package dev.apkofarm.coordinator.state;

import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.TaskRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * {@link ClusterState} in this JVM's heap: the embedded farm's (nothing to recover: it ends with its process), and
 * unit tests'. Safe for the scheduler's threads as the Hazelcast one is: a task changes only by compare-and-set
 * ({@link #replaceTask}, atomic per task), records are immutable, and readers get copies of the collections. A
 * job's tasks are indexed by job, so looking them up costs the job's tasks, not the farm's.
 */
public final class InMemoryClusterState implements ClusterState {
  private final Map<String, JobRecord> jobs = new ConcurrentHashMap<>();
  private final Map<String, TaskRecord> tasks = new ConcurrentHashMap<>();
  /** job id -> the ids of its tasks. */
  private final Map<String, Set<String>> taskIds = new ConcurrentHashMap<>();
  private final Map<String, BuildResult> results = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentSkipListMap<Long, JobEvent>> events = new ConcurrentHashMap<>();

  @Override
  public void putJob(JobRecord job) {
    jobs.put(job.id(), job);
  }

  @Override
  public Optional<JobRecord> job(String jobId) {
    return Optional.ofNullable(jobs.get(jobId));
  }

  @Override
  public Collection<JobRecord> jobs() {
    return List.copyOf(jobs.values());
  }

  @Override
  public void createTask(TaskRecord task) {
    if (tasks.putIfAbsent(task.id(), task) != null) {
      throw new IllegalStateException("task " + task.id() + " exists already");
    }
    taskIds.computeIfAbsent(task.jobId(), k -> ConcurrentHashMap.newKeySet()).add(task.id());
  }

  @Override
  public Optional<TaskRecord> task(String taskId) {
    return Optional.ofNullable(tasks.get(taskId));
  }

  @Override
  public List<TaskRecord> tasksOf(String jobId) {
    List<TaskRecord> out = new ArrayList<>();
    for (String id : taskIds.getOrDefault(jobId, Set.of())) {
      TaskRecord t = tasks.get(id);
      if (t != null) {
        out.add(t);
      }
    }
    out.sort(Comparator.comparingLong(TaskRecord::order));
    return out;
  }

  @Override
  public boolean replaceTask(TaskRecord updated) {
    boolean[] done = {false};
    tasks.computeIfPresent(
        updated.id(),
        (id, current) -> {
          if (current.version() == updated.version() - 1) {
            done[0] = true;
            return updated;
          }
          return current;
        });
    return done[0];
  }

  @Override
  public void putResult(String buildKey, BuildResult result) {
    results.put(buildKey, result);
  }

  @Override
  public Optional<BuildResult> result(String buildKey) {
    return Optional.ofNullable(results.get(buildKey));
  }

  @Override
  public void removeResult(String buildKey) {
    results.remove(buildKey);
  }

  @Override
  public void appendEvent(JobEvent event) {
    events.computeIfAbsent(event.jobId(), k -> new ConcurrentSkipListMap<>()).put(event.seq(), event);
  }

  @Override
  public List<JobEvent> events(String jobId, long fromSeq, long toSeq) {
    ConcurrentSkipListMap<Long, JobEvent> log = events.get(jobId);
    if (log == null || fromSeq > toSeq) {
      return List.of();
    }
    return List.copyOf(log.subMap(fromSeq, true, toSeq, true).values());
  }

  @Override
  public void removeJob(String jobId) {
    jobs.remove(jobId);
    Set<String> ids = taskIds.remove(jobId);
    if (ids != null) {
      ids.forEach(tasks::remove);
    }
    events.remove(jobId);
  }
}
