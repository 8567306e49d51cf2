package dev.apkofarm.core.cache;

import java.util.HexFormat;
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

  /**
   * The cache key of an APK package: {@code apk:<hex SHA-1 of its control section>}. That digest (the index's
   * {@code C:} field) is known before fetching and is a sufficient content key: the control section holds
   * {@code .PKGINFO}, whose {@code datahash} binds the data section, and every read is verified against both.
   */
  public static BlobKey ofPackage(byte[] controlSha1) {
    if (controlSha1.length != 20) {
      throw new IllegalArgumentException("a package's control digest is a 20-byte SHA-1, not " + controlSha1.length
          + " bytes");
    }
    return new BlobKey("apk:" + HexFormat.of().formatHex(controlSha1));
  }

  @Override
  public String toString() {
    return value;
  }

  // Written out: a record's own bootstrap through method handles on first use (docs/engineering.md, "Start-up").
  @Override
  public boolean equals(Object o) {
    return o instanceof BlobKey x && value.equals(x.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
