package dev.apkofarm.core.fs;

import java.util.Objects;
import java.util.Optional;

/** A symbolic link. Its target is stored as written; absolute targets resolve within the image root. */
public final class Symlink extends Node {
  private final String target;
  private final String ownerPackage;
  private final byte[] packageChecksum;

  public Symlink(String target, int mode, long mtime) {
    this(target, mode, mtime, null, null);
  }

  /**
   * @param ownerPackage the package that installed the link, or null
   * @param packageChecksum the SHA-1 that package recorded for the link, or null
   */
  public Symlink(String target, int mode, long mtime, String ownerPackage, byte[] packageChecksum) {
    super(mode, mtime);
    this.target = Objects.requireNonNull(target, "target");
    if (target.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("symlink target contains NUL: " + target);
    }
    this.ownerPackage = ownerPackage;
    this.packageChecksum = packageChecksum == null ? null : packageChecksum.clone();
  }

  public String target() {
    return target;
  }

  /** The package that installed this link, if any. */
  public Optional<String> ownerPackage() {
    return Optional.ofNullable(ownerPackage);
  }

  /** The SHA-1 the installing package recorded for this link, if any. */
  public Optional<byte[]> packageChecksum() {
    return packageChecksum == null ? Optional.empty() : Optional.of(packageChecksum.clone());
  }
}
