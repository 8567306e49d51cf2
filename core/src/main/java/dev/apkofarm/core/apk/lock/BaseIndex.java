package dev.apkofarm.core.apk.lock;

import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.config.Arch;
import java.util.Map;
import java.util.Objects;

/**
 * The packages a base image already has ({@code contents.baseimage.apkindex}), per arch: an extra, unsigned index the
 * resolver sees after every repository, whose packages are pinned to their versions (as apko does). A lock leaves
 * them out: the base already holds them.
 *
 * @param repository where the index lives, as configured (packages are never fetched from it)
 * @param indexes per arch, the base's packages
 */
public record BaseIndex(Repository repository, Map<Arch, ApkIndex> indexes) {
  public BaseIndex {
    Objects.requireNonNull(repository, "repository");
    indexes = Map.copyOf(indexes);
  }

  /** The base's index for {@code arch}. */
  public ApkIndex index(Arch arch) {
    ApkIndex i = indexes.get(arch);
    if (i == null) {
      throw new IllegalArgumentException("no base index for " + arch);
    }
    return i;
  }

  /** Whether the base has a package of that name for {@code arch}. */
  public boolean has(Arch arch, String name) {
    return index(arch).packages().stream().anyMatch(p -> p.name().equals(name));
  }
}
