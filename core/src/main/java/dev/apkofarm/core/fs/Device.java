package dev.apkofarm.core.fs;

/** A character or block device node, e.g. {@code /dev/null} (char 1,3). */
public final class Device extends Node {
  private final boolean character;
  private final long major;
  private final long minor;

  public Device(boolean character, long major, long minor, int mode, long mtime) {
    super(mode, mtime);
    if (major < 0 || minor < 0) {
      throw new IllegalArgumentException("negative device number " + major + "," + minor);
    }
    this.character = character;
    this.major = major;
    this.minor = minor;
  }

  /** True for a character device, false for a block device. */
  public boolean isCharacter() {
    return character;
  }

  public long major() {
    return major;
  }

  public long minor() {
    return minor;
  }
}
