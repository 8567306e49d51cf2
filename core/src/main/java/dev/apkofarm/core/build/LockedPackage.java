package dev.apkofarm.core.build;

import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.cache.BlobKey;
import java.util.Base64;
import java.util.Objects;

/**
 * One package an arch installs, pinned exactly: enough to fetch it and to verify what was fetched.
 *
 * @param name package name
 * @param version exact version
 * @param arch apk arch, e.g. {@code x86_64}
 * @param repository the repository entry it comes from (as configured, e.g. {@code ./testdata/packages})
 * @param url where the .apk is: {@code <repository>/<arch>/<name>-<version>.apk}
 * @param checksum {@code Q1} + base64 SHA-1 of the control section (the index {@code C:}); the fetched file must match
 * @param size the .apk file's size in bytes, as the index lists it (0 when unknown)
 */
public record LockedPackage(
    String name, String version, String arch, String repository, String url, String checksum, long size) {
  public LockedPackage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(checksum, "checksum");
    if (!checksum.startsWith("Q1")) {
      throw new IllegalArgumentException(name + "-" + version + ": checksum must be Q1 + base64 SHA-1: " + checksum);
    }
  }

  /** The package's cache key ({@link BlobKey#ofPackage}), from its checksum. */
  public BlobKey cacheKey() {
    try {
      return BlobKey.ofPackage(Base64.getDecoder().decode(checksum.substring(2)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(this + ": checksum is not Q1 + base64 SHA-1: " + checksum, e);
    }
  }

  /** Whether it comes from a remote (HTTP) repository rather than a local one (see {@link Fetcher#isRemote}). */
  public boolean remote() {
    return Fetcher.isRemote(url);
  }

  /** {@code name=version}, as the locked config lists it. */
  public String constraint() {
    return name + "=" + version;
  }

  @Override
  public String toString() {
    return name + "-" + version + " (" + arch + ")";
  }
}
