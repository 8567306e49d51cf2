package dev.apkofarm.core.config;

import java.util.Objects;

/**
 * {@code contents.baseimage}: an existing OCI layout to build on top of (experimental in apko).
 *
 * @param image path of the base image's OCI layout ({@code image})
 * @param apkindex path of the directory holding the APKINDEX of packages installed in it ({@code apkindex}); both are
 *     local paths resolved like repositories, against the working directory or an include path
 */
public record BaseImage(String image, String apkindex) {
  public BaseImage {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(apkindex, "apkindex");
  }
}
