package dev.apkofarm.core.oci;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An OCI content descriptor: what a manifest or an index says about a blob.
 *
 * @param mediaType the blob's media type
 * @param digest the blob's digest
 * @param size the blob's size in bytes
 * @param platform for manifests listed in an index
 * @param artifactType e.g. the config media type, as apko writes in index entries
 * @param annotations sorted by key
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Optional<Platform> platform,
    Optional<String> artifactType,
    SortedMap<String, String> annotations) {
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(artifactType, "artifactType");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " for " + digest);
    }
    annotations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
  }

  /** A plain descriptor: no platform, artifact type or annotations. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, Optional.empty(), Optional.empty(), new TreeMap<>());
  }

  /** This descriptor with the given annotations. */
  public Descriptor withAnnotations(Map<String, String> a) {
    return new Descriptor(mediaType, digest, size, platform, artifactType, new TreeMap<>(a));
  }

  /** This descriptor for a manifest of {@code p}. */
  public Descriptor withPlatform(Platform p) {
    return new Descriptor(mediaType, digest, size, Optional.of(p), artifactType, annotations);
  }

  /** This descriptor with an {@code artifactType}. */
  public Descriptor withArtifactType(String type) {
    return new Descriptor(mediaType, digest, size, platform, Optional.of(type), annotations);
  }
}
