package dev.apkofarm.core.apk;

import dev.apkofarm.core.BadInputException;

/**
 * The one answer to a config with {@code contents.baseimage} on a path that cannot build on a base image: bad input
 * (exit 2) naming the config, never a wrong image.
 */
public final class BaseImageRefusal {
  private BaseImageRefusal() {}

  /** The refusal for {@code config} (a config file name, or what holds the config). */
  public static BadInputException of(String config) {
    return new BadInputException(
        config + ": contents.baseimage: building on a base image is not supported here yet; remove"
            + " contents.baseimage (nothing was built)");
  }
}
