package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.core.config.Arch;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image locked for all its archs: the serialised per-arch config each worker builds from.
 *
 * @param perArch arch -> the engine's serialised locked config for that arch
 * @param packages how many packages the lock holds (per arch)
 */
public record LockedImage(Map<Arch, byte[]> perArch, int packages) {
  public LockedImage {
    if (perArch.isEmpty()) {
      throw new IllegalArgumentException("a locked image has at least one arch");
    }
    TreeMap<Arch, byte[]> copy = new TreeMap<>((a, b) -> a.ociName().compareTo(b.ociName()));
    perArch.forEach((a, b) -> copy.put(a, b.clone()));
    perArch = Collections.unmodifiableMap(copy);
  }

  /** The archs, in apko's order. */
  public List<Arch> archs() {
    return List.copyOf(perArch.keySet());
  }
}
