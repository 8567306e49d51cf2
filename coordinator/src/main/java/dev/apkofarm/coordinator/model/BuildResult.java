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
 * @param engineResult what the engine's index step needs about this arch, as the engine serialised it
 */
public record BuildResult(
    BlobRef manifest, BlobRef config, List<BlobRef> layers, List<BlobRef> extra, String worker, byte[] engineResult)
    implements Serializable {
  public BuildResult {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    extra = List.copyOf(extra);
    worker = worker == null ? "" : worker;
    engineResult = engineResult == null ? new byte[0] : engineResult.clone();
  }

  /** A result without engine data (tests, stand-in engines). */
  public BuildResult(BlobRef manifest, BlobRef config, List<BlobRef> layers, List<BlobRef> extra, String worker) {
    this(manifest, config, layers, extra, worker, new byte[0]);
  }

  @Override
  public byte[] engineResult() {
    return engineResult.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BuildResult r && manifest.equals(r.manifest) && config.equals(r.config)
        && layers.equals(r.layers) && extra.equals(r.extra) && worker.equals(r.worker)
        && java.util.Arrays.equals(engineResult, r.engineResult);
  }

  @Override
  public int hashCode() {
    return Objects.hash(manifest, config, layers, extra, worker, java.util.Arrays.hashCode(engineResult));
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
