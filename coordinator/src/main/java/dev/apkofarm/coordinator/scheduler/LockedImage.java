package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.core.config.Arch;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An image locked for all its archs: the serialised per-arch config each worker builds from.
 *
 * @param perArch arch -> the engine's serialised locked config for that arch
 * @param packages how many packages the lock holds (per arch)
 * @param publishKey with {@code --push}: the key of these locked inputs that the pushed index is recorded with
 * @param unchanged with {@code --push}: the index the registry already has under the job's tag for exactly this
 *     key, when it has it; then nothing is built
 */
public record LockedImage(
    Map<Arch, byte[]> perArch, int packages, Optional<String> publishKey, Optional<BlobRef> unchanged) {
  public LockedImage {
    if (perArch.isEmpty()) {
      throw new IllegalArgumentException("a locked image has at least one arch");
    }
    TreeMap<Arch, byte[]> copy = new TreeMap<>((a, b) -> a.ociName().compareTo(b.ociName()));
    perArch.forEach((a, b) -> copy.put(a, b.clone()));
    perArch = Collections.unmodifiableMap(copy);
    if (unchanged.isPresent() && publishKey.isEmpty()) {
      throw new IllegalArgumentException("only a pushed image (with a publish key) can be unchanged");
    }
  }

  /** Locked, not pushed. */
  public LockedImage(Map<Arch, byte[]> perArch, int packages) {
    this(perArch, packages, Optional.empty(), Optional.empty());
  }

  /** The archs, in apko's order. */
  public List<Arch> archs() {
    return List.copyOf(perArch.keySet());
  }
}
