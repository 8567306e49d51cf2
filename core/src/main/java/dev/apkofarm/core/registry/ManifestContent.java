package dev.apkofarm.core.registry;

import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import java.util.Arrays;
import java.util.Objects;

/**
 * A manifest or index exactly as stored: its media type and bytes (never re-serialised, so the digest is what the
 * builder computed) and their digest.
 *
 * @param mediaType e.g. {@code application/vnd.oci.image.index.v1+json}
 * @param bytes the JSON bytes
 * @param digest SHA-256 of {@code bytes}
 */
public record ManifestContent(String mediaType, byte[] bytes, Digest digest) {
  public ManifestContent {
    Objects.requireNonNull(mediaType, "mediaType");
    bytes = bytes.clone();
    if (!Digest.of(bytes).equals(digest)) {
      throw new IllegalArgumentException("manifest bytes do not hash to " + digest);
    }
  }

  /** The manifest of {@code mediaType} with these bytes. */
  public static ManifestContent of(String mediaType, byte[] bytes) {
    return new ManifestContent(mediaType, bytes, Digest.of(bytes));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public long size() {
    return bytes.length;
  }

  /** A descriptor of this manifest (media type, digest, size). */
  public Descriptor descriptor() {
    return Descriptor.of(mediaType, digest, bytes.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManifestContent m && m.mediaType.equals(mediaType) && m.digest.equals(digest)
        && Arrays.equals(m.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "ManifestContent[" + mediaType + " " + digest + " (" + bytes.length + " bytes)]";
  }
}
