package dev.apkofarm.coordinator.model;

import dev.apkofarm.core.config.Arch;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One (image, arch) task as the cluster state stores it. Every change increments {@code version}; the state
 * replaces a task only when the stored version is the one the change was computed from (compare-and-set), so two
 * coordinators never hand out the same task.
 *
 * @param id {@code <job>/<image>/<arch>}
 * @param jobId the owning job
 * @param image the image name
 * @param arch the target arch
 * @param buildKey sha256 of (locked per-arch config, engine version, build settings)
 * @param lockedArch the locked per-arch config as the engine serialises it
 * @param status where it is
 * @param worker who runs (or ran) it, or null
 * @param leaseExpiresAtMillis when the current lease ends (RUNNING only)
 * @param attempt 1 for the first run, incremented on each requeue
 * @param reasons why earlier attempts ended, oldest first
 * @param order position in the ready queue (lower first)
 * @param follows the task id this one waits for (DEDUPLICATED only), or null
 * @param result the build's output (SUCCEEDED only), or null
 * @param version incremented on every change
 */
public record TaskRecord(
    String id,
    String jobId,
    String image,
    Arch arch,
    String buildKey,
    byte[] lockedArch,
    TaskStatus status,
    String worker,
    long leaseExpiresAtMillis,
    int attempt,
    List<String> reasons,
    long order,
    String follows,
    BuildResult result,
    long version)
    implements Serializable {
  public TaskRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(buildKey, "buildKey");
    Objects.requireNonNull(status, "status");
    lockedArch = lockedArch.clone();
    reasons = List.copyOf(reasons);
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
    }
  }

  /** The id of the (image, arch) task of a job. */
  public static String idOf(String jobId, String image, Arch arch) {
    return jobId + "/" + image + "/" + arch.apkName();
  }

  /** A new queued task. */
  public static TaskRecord queued(String jobId, String image, Arch arch, String buildKey, byte[] locked, long order) {
    return new TaskRecord(
        idOf(jobId, image, arch), jobId, image, arch, buildKey, locked, TaskStatus.QUEUED, null, 0, 1, List.of(),
        order, null, null, 0);
  }

  @Override
  public byte[] lockedArch() {
    return lockedArch.clone();
  }

  public Optional<String> workerId() {
    return Optional.ofNullable(worker);
  }

  public Optional<BuildResult> buildResult() {
    return Optional.ofNullable(result);
  }

  public TaskRecord claimed(String byWorker, long leaseExpiresAt) {
    return next(TaskStatus.RUNNING, byWorker, leaseExpiresAt, attempt, reasons, null, null);
  }

  public TaskRecord renewed(long leaseExpiresAt) {
    return next(status, worker, leaseExpiresAt, attempt, reasons, follows, result);
  }

  /** Back to the queue for another attempt, remembering why the last one ended. */
  public TaskRecord requeued(String reason) {
    return next(TaskStatus.QUEUED, null, 0, attempt + 1, plus(reason), null, null);
  }

  public TaskRecord following(String leaderId) {
    return next(TaskStatus.DEDUPLICATED, null, 0, attempt, reasons, leaderId, null);
  }

  /** Promoted from DEDUPLICATED to the queue because its leader did not produce a result. */
  public TaskRecord promoted() {
    return next(TaskStatus.QUEUED, null, 0, attempt, reasons, null, null);
  }

  public TaskRecord succeeded(BuildResult r) {
    return next(TaskStatus.SUCCEEDED, r.worker().isEmpty() ? worker : r.worker(), 0, attempt, reasons, follows, r);
  }

  public TaskRecord failed(String reason) {
    return next(TaskStatus.FAILED, worker, 0, attempt, plus(reason), follows, null);
  }

  public TaskRecord cancelled(String reason) {
    return next(TaskStatus.CANCELLED, worker, 0, attempt, plus(reason), follows, null);
  }

  private List<String> plus(String reason) {
    List<String> r = new ArrayList<>(reasons);
    r.add(reason);
    return r;
  }

  private TaskRecord next(
      TaskStatus s, String w, long lease, int att, List<String> why, String follow, BuildResult res) {
    return new TaskRecord(
        id, jobId, image, arch, buildKey, lockedArch, s, w, lease, att, why, order, follow, res, version + 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskRecord t && id.equals(t.id) && version == t.version && status == t.status
        && Arrays.equals(lockedArch, t.lockedArch);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, version);
  }

  @Override
  public String toString() {
    return "Task[" + id + " " + status + " attempt " + attempt + (worker == null ? "" : " on " + worker) + " v" + version + "]";
  }
}
