package dev.apkofarm.core.config;

/** Range checks for the unsigned 32-bit ids and modes of the config (apko's {@code uint32}). */
final class Ids {
  static final long UINT32_MAX = 0xFFFF_FFFFL;
  /** The largest meaningful mode: permission bits plus setuid, setgid and sticky. */
  static final int MAX_PERMISSIONS = 07777;

  private Ids() {}

  static void requireUint32(long value, String what) {
    if (value < 0 || value > UINT32_MAX) {
      throw new IllegalArgumentException(what + " " + value + " is out of range (0.." + UINT32_MAX + ")");
    }
  }
}
