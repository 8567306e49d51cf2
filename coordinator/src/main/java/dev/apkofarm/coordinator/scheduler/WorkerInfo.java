package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.core.config.Arch;
import java.util.Objects;

/**
 * What a worker says about itself when it connects.
 *
 * @param id unique per worker process
 * @param nativeArch the arch of its machine (tasks of that arch prefer it)
 * @param slots how many tasks it runs at once
 * @param version its engine version
 */
public record WorkerInfo(String id, Arch nativeArch, int slots, String version) {
  public WorkerInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(nativeArch, "nativeArch");
    Objects.requireNonNull(version, "version");
    if (id.isBlank()) {
      throw new IllegalArgumentException("worker id must not be blank");
    }
    if (slots < 1 || slots > 256) {
      throw new IllegalArgumentException("worker " + id + ": slots must be 1..256, got " + slots);
    }
  }
}
