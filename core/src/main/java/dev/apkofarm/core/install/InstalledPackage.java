package dev.apkofarm.core.install;

import java.util.Objects;

/**
 * A package as installed: its metadata and the record it added to the installed database (apko's "installed
 * diff", which multi-layer images repeat per layer).
 *
 * @param meta the package
 * @param record its {@code installed} record, ending in a blank line
 */
public record InstalledPackage(PackageMeta meta, byte[] record) {
  public InstalledPackage {
    Objects.requireNonNull(meta, "meta");
    record = record.clone();
  }

  @Override
  public byte[] record() {
    return record.clone();
  }
}
