package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.core.config.Arch;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the lock step made of an image: one task per arch, ready to hand to workers.
 *
 * @param perArch arch -> its task
 * @param packages how many packages the lock holds (per arch)
 * @param publishKey with {@code --push}: the key of these locked inputs that the pushed index is recorded with
 * @param unchanged with {@code --push}: the index the registry already has under the job's tag for exactly this
 *     key, when it has it; then nothing is built
 */
public record ImageLock(
    Map<Arch, ArchTask> perArch, int packages, Optional<String> publishKey, Optional<BlobRef> unchanged) {
  public ImageLock {
    if (perArch.isEmpty()) {
      throw new IllegalArgumentException("a locked image has at least one arch");
    }
    TreeMap<Arch, ArchTask> copy = new TreeMap<>((a, b) -> a.ociName().compareTo(b.ociName()));
    copy.putAll(perArch);
    perArch = Collections.unmodifiableMap(copy);
    if (unchanged.isPresent() && publishKey.isEmpty()) {
      throw new IllegalArgumentException("only a pushed image (with a publish key) can be unchanged");
    }
  }

  /** Locked, not pushed. */
  public ImageLock(Map<Arch, ArchTask> perArch, int packages) {
    this(perArch, packages, Optional.empty(), Optional.empty());
  }

  /** The archs, in apko's order. */
  public List<Arch> archs() {
    return List.copyOf(perArch.keySet());
  }

  /**
   * One arch's task, as the scheduler keeps it: the serialised task message (the farm contract's
   * {@code LockedArch}; opaque here) and its build key, which the engine computed from the typed task.
   */
  public record ArchTask(byte[] lockedArch, String buildKey) {
    public ArchTask {
      lockedArch = lockedArch.clone();
      Objects.requireNonNull(buildKey, "buildKey");
    }

    @Override
    public byte[] lockedArch() {
      return lockedArch.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ArchTask t && buildKey.equals(t.buildKey) && java.util.Arrays.equals(lockedArch, t.lockedArch);
    }

    @Override
    public int hashCode() {
      return buildKey.hashCode();
    }
  }
}
