package dev.apkofarm.core.install;

import dev.apkofarm.core.apk.PackageInfo;
import java.util.List;
import java.util.Objects;

/**
 * A package as installed: its metadata and the record it added to the installed database (apko's "installed
 * diff", which multi-layer images repeat per layer).
 *
 * @param meta the package
 * @param record its {@code installed} record, ending in a blank line
 * @param files the paths of the non-directory entries the record lists (what apk considers the package's files)
 */
public record InstalledPackage(PackageInfo meta, byte[] record, List<String> files) {
  public InstalledPackage {
    Objects.requireNonNull(meta, "meta");
    record = record.clone();
    files = List.copyOf(files);
  }

  @Override
  public byte[] record() {
    return record.clone();
  }
}
