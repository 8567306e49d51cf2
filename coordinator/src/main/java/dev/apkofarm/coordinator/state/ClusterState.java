package dev.apkofarm.coordinator.state;

import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.TaskRecord;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The farm's shared state (jobs, tasks, build results, events): what a restarted coordinator recovers from. The
 * scheduler sees only this interface; the Hazelcast adapter lives in one package, an in-memory one serves tests and
 * single-process use.
 */
public interface ClusterState {
  void putJob(JobRecord job);

  Optional<JobRecord> job(String jobId);

  /** Every stored job, in no particular order. */
  Collection<JobRecord> jobs();

  /** Stores a new task; fails if one with its id exists (ids are unique per job, image and arch). */
  void createTask(TaskRecord task);

  Optional<TaskRecord> task(String taskId);

  List<TaskRecord> tasksOf(String jobId);

  /**
   * Compare-and-set: stores {@code updated} only if the stored task's version is {@code updated.version() - 1}.
   *
   * @return whether it was stored; false means someone else changed the task first
   */
  boolean replaceTask(TaskRecord updated);

  void putResult(String buildKey, BuildResult result);

  Optional<BuildResult> result(String buildKey);

  void removeResult(String buildKey);

  /** Appends an event; its seq must be the job's next (the caller, the job's one scheduler, numbers them). */
  void appendEvent(JobEvent event);

  /** The events of a job with {@code fromSeq <= seq <= toSeq}, by seq. */
  List<JobEvent> events(String jobId, long fromSeq, long toSeq);

  /** Forgets a finished job: its record, tasks and events. */
  void removeJob(String jobId);
}
