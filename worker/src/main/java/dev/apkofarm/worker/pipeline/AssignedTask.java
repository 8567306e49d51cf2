package dev.apkofarm.worker.pipeline;

import dev.apkofarm.core.config.Arch;
import java.util.Collections;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One (image, arch) task as a worker receives it.
 *
 * @param taskId the coordinator's id
 * @param attempt which attempt this is
 * @param jobId the job
 * @param image the image name
 * @param arch the target arch
 * @param lockedConfig the locked per-arch config as the engine serialised it on the coordinator
 * @param buildKey identical keys build identical bytes
 * @param annotations job annotations
 * @param sourceDateEpoch SOURCE_DATE_EPOCH, or null
 * @param pushRepository push to this repository instead of uploading, or null
 */
public record AssignedTask(
    String taskId,
    int attempt,
    String jobId,
    String image,
    Arch arch,
    byte[] lockedConfig,
    String buildKey,
    SortedMap<String, String> annotations,
    Long sourceDateEpoch,
    String pushRepository) {
  public AssignedTask {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(arch, "arch");
    lockedConfig = lockedConfig.clone();
    annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
  }

  @Override
  public byte[] lockedConfig() {
    return lockedConfig.clone();
  }

  public OptionalLong epoch() {
    return sourceDateEpoch == null ? OptionalLong.empty() : OptionalLong.of(sourceDateEpoch);
  }

  @Override
  public String toString() {
    return "Task[" + taskId + " attempt " + attempt + "]";
  }
}
