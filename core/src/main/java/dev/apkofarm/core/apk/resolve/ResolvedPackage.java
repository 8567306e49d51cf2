package dev.apkofarm.core.apk.resolve;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.repo.RepositoryIndex;
import java.util.Objects;

/**
 * A package the resolver chose, with the repository index it comes from.
 *
 * @param info the index entry (name, version, checksum, ...)
 * @param source the repository index listing it
 */
public record ResolvedPackage(PackageInfo info, RepositoryIndex source) {
  public ResolvedPackage {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(source, "source");
  }

  public String name() {
    return info.name();
  }

  public String version() {
    return info.version();
  }

  /** Where to fetch it: {@code <repository>/<arch>/<name>-<version>.apk}. */
  public String url() {
    return source.packageUrl(info);
  }

  @Override
  public String toString() {
    return info.nameVersion();
  }
}
