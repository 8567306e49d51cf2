package dev.apkofarm.core.apk.resolve;

import java.util.List;
import java.util.Objects;

/**
 * What to install for one arch, in install order: every package after its dependencies (as apk installs, and as the
 * installed database lists them).
 *
 * @param arch the apk arch
 * @param world the world the resolution started from (sorted, de-duplicated)
 * @param packages the chosen packages in install order
 */
public record Resolution(String arch, List<String> world, List<ResolvedPackage> packages) {
  public Resolution {
    Objects.requireNonNull(arch, "arch");
    world = List.copyOf(world);
    packages = List.copyOf(packages);
  }

  /** The chosen package of that name. */
  public java.util.Optional<ResolvedPackage> find(String name) {
    return packages.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
