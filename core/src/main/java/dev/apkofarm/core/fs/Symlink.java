package dev.apkofarm.core.fs;

import java.util.Objects;
import java.util.Optional;

/** A symbolic link. Its target is stored as written; absolute targets resolve within the image root. */
public final class Symlink extends Node {
  private final String target;
  private final String ownerPackage;

  public Symlink(String target, int mode, long mtime) {
    this(target, mode, mtime, null);
  }

  public Symlink(String target, int mode, long mtime, String ownerPackage) {
    super(mode, mtime);
    this.target = Objects.requireNonNull(target, "target");
    if (target.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("symlink target contains NUL: " + target);
    }
    this.ownerPackage = ownerPackage;
  }

  public String target() {
    return target;
  }

  /** The package that installed this link, if any. */
  public Optional<String> ownerPackage() {
    return Optional.ofNullable(ownerPackage);
  }
}
