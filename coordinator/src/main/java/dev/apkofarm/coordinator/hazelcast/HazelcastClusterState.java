package dev.apkofarm.coordinator.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.ImageRecord;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.state.ClusterState;
import dev.apkofarm.core.config.Arch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ClusterState} in Hazelcast maps (backed up once, so losing one member loses nothing): jobs, tasks, build
 * results and events. Task changes are compare-and-set through an entry processor executed on the partition owner,
 * so two coordinators can never both claim a task. Queries avoid predicates: a job's task ids follow from its
 * images and archs, its event keys from its seq range.
 */
public final class HazelcastClusterState implements ClusterState {
  private final IMap<String, JobRecord> jobs;
  private final IMap<String, TaskRecord> tasks;
  private final IMap<String, BuildResult> results;
  private final IMap<String, JobEvent> events;

  public HazelcastClusterState(HazelcastInstance member) {
    this.jobs = member.getMap(Members.STATE_PREFIX + "jobs");
    this.tasks = member.getMap(Members.STATE_PREFIX + "tasks");
    this.results = member.getMap(Members.STATE_PREFIX + "results");
    this.events = member.getMap(Members.STATE_PREFIX + "events");
  }

  @Override
  public void putJob(JobRecord job) {
    jobs.set(job.id(), job);
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
  }

  @Override
  public Optional<TaskRecord> task(String taskId) {
    return Optional.ofNullable(tasks.get(taskId));
  }

  @Override
  public List<TaskRecord> tasksOf(String jobId) {
    JobRecord job = jobs.get(jobId);
    if (job == null) {
      return List.of();
    }
    Set<String> ids = new HashSet<>();
    for (ImageRecord i : job.images()) {
      for (String a : i.archs()) {
        ids.add(TaskRecord.idOf(jobId, i.name(), Arch.parse(a).orElseThrow()));
      }
    }
    Map<String, TaskRecord> found = tasks.getAll(ids);
    List<TaskRecord> out = new ArrayList<>(found.values());
    out.sort(Comparator.comparingLong(TaskRecord::order));
    return out;
  }

  @Override
  public boolean replaceTask(TaskRecord updated) {
    return tasks.executeOnKey(updated.id(), new CompareVersionAndSet(updated));
  }

  @Override
  public void putResult(String buildKey, BuildResult result) {
    results.set(buildKey, result);
  }

  @Override
  public Optional<BuildResult> result(String buildKey) {
    return Optional.ofNullable(results.get(buildKey));
  }

  @Override
  public void removeResult(String buildKey) {
    results.delete(buildKey);
  }

  @Override
  public void appendEvent(JobEvent event) {
    events.set(eventKey(event.jobId(), event.seq()), event);
  }

  @Override
  public List<JobEvent> events(String jobId, long fromSeq, long toSeq) {
    if (fromSeq > toSeq) {
      return List.of();
    }
    Set<String> keys = new HashSet<>();
    for (long s = fromSeq; s <= toSeq; s++) {
      keys.add(eventKey(jobId, s));
    }
    List<JobEvent> out = new ArrayList<>(events.getAll(keys).values());
    out.sort(Comparator.comparingLong(JobEvent::seq));
    return out;
  }

  @Override
  public void removeJob(String jobId) {
    JobRecord job = jobs.get(jobId);
    if (job == null) {
      return;
    }
    for (TaskRecord t : tasksOf(jobId)) {
      tasks.delete(t.id());
    }
    for (long s = 1; s <= job.lastSeq(); s++) {
      events.delete(eventKey(jobId, s));
    }
    jobs.delete(jobId);
  }

  private static String eventKey(String jobId, long seq) {
    return jobId + "#" + seq;
  }
}
