package dev.apkofarm.core.build;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.repo.PackageOrigin;

/** Where each locked package comes from when no cache has it. */
@FunctionalInterface
public interface PackageOrigins {
  /** Its repository URL or path, as locked: what a local build reads. */
  PackageOrigins LOCATIONS = p -> new PackageOrigin.Location(p.url());

  /**
   * @throws BadInputException naming the package when it has no origin this builder may use
   */
  PackageOrigin of(LockedPackage pkg) throws BadInputException;
}
