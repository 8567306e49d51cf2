package dev.apkofarm.core.install;

import dev.apkofarm.core.apk.PackageInfo;
import java.io.IOException;
import java.util.List;

/**
 * One verified package ready to install: metadata, control files and data entries whose file contents stay on disk.
 * The package reader (apk) verified checksums and refused escaping paths before an archive is handed over.
 */
public interface PackageArchive {
  /** The package's metadata. */
  PackageInfo meta();

  /** Control files other than {@code .PKGINFO}, in archive order. */
  List<ControlEntry> controlEntries();

  /** The data section's entries in archive order. */
  List<DataEntry> dataEntries() throws IOException;
}
