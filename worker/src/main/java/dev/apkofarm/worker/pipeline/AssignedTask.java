package dev.apkofarm.worker.pipeline;

import dev.apkofarm.proto.v1.LockedArch;
import java.util.Objects;
import java.util.Optional;

/**
 * One (image, arch) task as a worker receives it: which attempt of which task, and the typed build it is.
 *
 * @param ref the coordinator's task id and this attempt
 * @param jobId the job
 * @param locked everything the build needs (the farm contract's task message)
 * @param buildKey the key the coordinator computed for {@code locked}; the engine checks it
 */
public record AssignedTask(TaskId ref, String jobId, LockedArch locked, String buildKey) {
  public AssignedTask {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(locked, "locked");
    Objects.requireNonNull(buildKey, "buildKey");
  }

  /** The repository the result is pushed to, or empty to upload it to the coordinator. */
  public Optional<String> pushRepository() {
    String r = locked.getBuild().getPushRepository();
    return r.isEmpty() ? Optional.empty() : Optional.of(r);
  }

  @Override
  public String toString() {
    return "task " + ref;
  }
}
