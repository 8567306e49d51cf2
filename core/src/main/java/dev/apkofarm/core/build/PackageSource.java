package dev.apkofarm.core.build;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.install.PackageArchive;
import java.io.IOException;

/**
 * Supplies verified packages to a build: fetches (from a cache or the repository) the .apk a {@link LockedPackage}
 * names, verifies it against the locked checksum, and returns it ready to install with its file contents on disk.
 * Implementations must be safe to call from several threads (packages are fetched in parallel).
 */
public interface PackageSource {
  /**
   * @throws BadInputException naming the package when it cannot be found or does not verify
   */
  PackageArchive open(LockedPackage pkg) throws IOException, BadInputException;
}
