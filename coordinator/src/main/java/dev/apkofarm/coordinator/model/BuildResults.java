package dev.apkofarm.coordinator.model;

import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.Layer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A build result between the cluster state's form and core's {@link BuiltArch}. */
public final class BuildResults {
  private BuildResults() {}

  /** What {@code worker} reported it built. */
  public static BuildResult fromCore(BuiltArch b, String worker) {
    List<BuildResult.LayerRef> layers = new ArrayList<>();
    for (Layer l : b.layers()) {
      layers.add(new BuildResult.LayerRef(BlobRef.from(l.blob()), l.diffId().toString(), l.uncompressedSize()));
    }
    return new BuildResult(b.arch().ociName(), BlobRef.from(b.manifest()), BlobRef.from(b.config()), layers,
        b.sbom().map(BlobRef::from).orElse(null), b.created().getEpochSecond(), b.created().getNano(), b.packages(),
        worker);
  }

  /** The engine's form, for the index step. */
  public static BuiltArch toCore(BuildResult r) {
    Arch arch = Arch.parse(r.arch()).orElseThrow(() -> new IllegalArgumentException("unknown arch " + r.arch()));
    List<Layer> layers = new ArrayList<>();
    for (BuildResult.LayerRef l : r.layers()) {
      layers.add(new Layer(Digest.parse(l.diffId()), l.blob().toDescriptor(), l.uncompressedSize()));
    }
    return new BuiltArch(arch, r.manifest().toDescriptor(), r.config().toDescriptor(), layers,
        Instant.ofEpochSecond(r.createdSeconds(), r.createdNanos()),
        Optional.ofNullable(r.sbom()).map(BlobRef::toDescriptor), r.packages());
  }
}
