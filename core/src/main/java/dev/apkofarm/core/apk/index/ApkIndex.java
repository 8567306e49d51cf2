package dev.apkofarm.core.apk.index;

import dev.apkofarm.core.apk.PackageInfo;
import java.util.List;
import java.util.Objects;

/**
 * The content of an APKINDEX: its description and its packages in index order (which is also the order in which
 * the resolver considers equally good candidates).
 *
 * @param description the DESCRIPTION file, e.g. {@code v3.16.3-13-g4d933a1fa3}
 * @param packages the packages, in index order
 */
public record ApkIndex(String description, List<PackageInfo> packages) {
  public ApkIndex {
    Objects.requireNonNull(description, "description");
    packages = List.copyOf(packages);
  }
}
