package dev.apkofarm.core.apk.lock;

import dev.apkofarm.core.BadInputException;

/**
 * The one answer to a config with {@code contents.baseimage} on a path that has not read the base image (the farm's
 * coordinator and workers): bad input (exit 2) naming the config, never an image built without its base.
 */
public final class BaseImageRefusal {
  private BaseImageRefusal() {}

  /** The refusal for {@code config} (a config file name, or what holds the config). */
  public static BadInputException of(String config) {
    return new BadInputException(
        config + ": contents.baseimage: building on a base image is not supported by the farm yet (apko-client"
            + " build, publish and lock support it); nothing was built");
  }
}
