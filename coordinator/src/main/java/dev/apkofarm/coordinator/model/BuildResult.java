package dev.apkofarm.coordinator.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one (image, arch) build produced: a manifest and the blobs it references, all present in the coordinator's
 * blob store (or pushed). Stored by build key, so an identical build later costs a lookup.
 *
 * @param manifest the per-arch manifest (with its platform)
 * @param config the image config blob
 * @param layers the layers, in manifest order
 * @param extra other blobs the output needs (e.g. SBOMs)
 * @param worker who built it
 */
public record BuildResult(BlobRef manifest, BlobRef config, List<BlobRef> layers, List<BlobRef> extra, String worker)
    implements Serializable {
  public BuildResult {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    extra = List.copyOf(extra);
    worker = worker == null ? "" : worker;
  }

  /** Every blob: manifest, config, layers, extras. */
  public List<BlobRef> allBlobs() {
    List<BlobRef> all = new ArrayList<>(layers.size() + extra.size() + 2);
    all.add(manifest);
    all.add(config);
    all.addAll(layers);
    all.addAll(extra);
    return all;
  }
}
