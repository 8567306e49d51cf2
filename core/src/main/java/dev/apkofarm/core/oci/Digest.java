package dev.apkofarm.core.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest in OCI form, {@code sha256:<64 lowercase hex>}. {@link #toString()} is the canonical wire form.
 *
 * @param algorithm {@code sha256} (the only algorithm we write)
 * @param hex the lowercase hex encoding of the digest bytes
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public Digest {
    if (!"sha256".equals(algorithm)) {
      throw new IllegalArgumentException("unsupported digest algorithm: " + algorithm);
    }
    if (!SHA256_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a sha256 hex digest: " + hex);
    }
  }

  /** Parses {@code sha256:<hex>}. */
  public static Digest parse(String s) {
    int colon = s.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("not a digest (no algorithm): " + s);
    }
    return new Digest(s.substring(0, colon), s.substring(colon + 1));
  }

  /** The SHA-256 of raw digest bytes. */
  public static Digest sha256(byte[] digestBytes) {
    if (digestBytes.length != 32) {
      throw new IllegalArgumentException("sha256 digest must be 32 bytes, got " + digestBytes.length);
    }
    return new Digest("sha256", HexFormat.of().formatHex(digestBytes));
  }

  /** The SHA-256 digest of {@code content}. */
  public static Digest of(byte[] content) {
    return sha256(newSha256().digest(content));
  }

  /** A fresh SHA-256 {@link MessageDigest} (always available on the JVM). */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required on every JVM", e);
    }
  }

  /** The digest bytes. */
  public byte[] bytes() {
    return HexFormat.of().parseHex(hex);
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  // Written out: a record's own bootstrap through method handles on first use (docs/engineering.md, "Start-up").
  @Override
  public boolean equals(Object o) {
    return o instanceof Digest x && algorithm.equals(x.algorithm) && hex.equals(x.hex);
  }

  @Override
  public int hashCode() {
    return 31 * algorithm.hashCode() + hex.hashCode();
  }
}
