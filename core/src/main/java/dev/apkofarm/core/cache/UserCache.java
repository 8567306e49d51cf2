package dev.apkofarm.core.cache;

import java.nio.file.Path;

/** The user's cache directory for apko-farm: {@code $XDG_CACHE_HOME/apko-farm}, else {@code ~/.cache/apko-farm}. */
public final class UserCache {
  private UserCache() {}

  /** The root every default cache, work and data directory lives under. */
  public static Path root() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("apko-farm");
  }
}
