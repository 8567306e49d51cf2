package dev.apkofarm.coordinator.model;

import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.Platform;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A serialisable OCI descriptor as the farm stores it in cluster state (core's {@link Descriptor} holds
 * {@code Optional}s, which Java serialisation refuses).
 *
 * @param mediaType the blob's media type
 * @param digest {@code sha256:<hex>}
 * @param size bytes
 * @param platform {@code os/architecture[/variant]}, or null
 * @param artifactType or null
 * @param annotations sorted
 */
public record BlobRef(
    String mediaType, String digest, long size, String platform, String artifactType, SortedMap<String, String> annotations)
    implements Serializable {
  public BlobRef {
    Objects.requireNonNull(mediaType, "mediaType");
    Digest.parse(digest);
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " for " + digest);
    }
    annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations == null ? Map.of() : annotations));
  }

  /** A descriptor without platform, artifact type or annotations. */
  public static BlobRef of(String mediaType, String digest, long size) {
    return new BlobRef(mediaType, digest, size, null, null, new TreeMap<>());
  }

  /** Converts from core's descriptor. */
  public static BlobRef from(Descriptor d) {
    return new BlobRef(
        d.mediaType(),
        d.digest().toString(),
        d.size(),
        d.platform().map(Platform::toString).orElse(null),
        d.artifactType().orElse(null),
        d.annotations());
  }

  /** Converts to core's descriptor. */
  public Descriptor toDescriptor() {
    Optional<Platform> p = Optional.ofNullable(platform).map(BlobRef::parsePlatform);
    return new Descriptor(mediaType, Digest.parse(digest), size, p, Optional.ofNullable(artifactType), annotations);
  }

  private static Platform parsePlatform(String s) {
    String[] parts = s.split("/", 3);
    if (parts.length < 2) {
      throw new IllegalArgumentException("not a platform (os/architecture[/variant]): " + s);
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? Optional.of(parts[2]) : Optional.empty());
  }
}
