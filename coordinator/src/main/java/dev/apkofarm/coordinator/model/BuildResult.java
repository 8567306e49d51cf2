package dev.apkofarm.coordinator.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one (image, arch) build produced, as the worker reported it once: the manifest, config and layers (with the
 * diff_ids the index's SBOM and a later publish need), the arch's SBOM, the creation time and the installed packages.
 * Its blobs are in the coordinator's blob store (when pushing, only the manifest and the SBOM are; the rest is in the
 * registry). Stored by build key, so an identical build later costs a lookup.
 *
 * @param arch the OCI name of the arch built
 * @param manifest the per-arch manifest (with its platform)
 * @param config the image config blob
 * @param layers the layers, bottom first
 * @param sbom the arch's SPDX SBOM, or null when none was written
 * @param createdSeconds the image creation time, seconds since the epoch
 * @param createdNanos and its nanoseconds
 * @param packages installed packages as {@code name=version}, in install order
 * @param worker who built it
 */
public record BuildResult(
    String arch,
    BlobRef manifest,
    BlobRef config,
    List<LayerRef> layers,
    BlobRef sbom,
    long createdSeconds,
    int createdNanos,
    List<String> packages,
    String worker)
    implements Serializable {
  public BuildResult {
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    packages = List.copyOf(packages);
    worker = worker == null ? "" : worker;
  }

  /**
   * One layer.
   *
   * @param blob the compressed blob
   * @param diffId {@code sha256:} of the uncompressed tar
   * @param uncompressedSize its size
   */
  public record LayerRef(BlobRef blob, String diffId, long uncompressedSize) implements Serializable {
    public LayerRef {
      Objects.requireNonNull(blob, "blob");
      Objects.requireNonNull(diffId, "diffId");
    }
  }

  public Optional<BlobRef> sbomRef() {
    return Optional.ofNullable(sbom);
  }

  /** The same result, credited to {@code who}. */
  public BuildResult builtBy(String who) {
    return new BuildResult(arch, manifest, config, layers, sbom, createdSeconds, createdNanos, packages, who);
  }

  /** The blobs of the image itself, as an OCI layout holds them: manifest, config, layers. */
  public List<BlobRef> imageBlobs() {
    List<BlobRef> all = new ArrayList<>(layers.size() + 2);
    all.add(manifest);
    all.add(config);
    layers.forEach(l -> all.add(l.blob()));
    return all;
  }
}
