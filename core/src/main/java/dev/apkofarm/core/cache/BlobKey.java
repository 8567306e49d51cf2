package dev.apkofarm.core.cache;

import java.util.regex.Pattern;

/**
 * The content address of a cached blob, e.g. {@code sha256:<hex>} for a layer, or
 * {@code apk:<control sha1 hex>:<data sha256 hex>} for a package. Safe as a file name component (no {@code /}).
 *
 * @param value the canonical key
 */
public record BlobKey(String value) {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:+=-]{1,200}");

  public BlobKey {
    if (!SAFE.matcher(value).matches()) {
      throw new IllegalArgumentException("not a safe blob key: " + value);
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
