package dev.apkofarm.cluster.contract;

import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.Layer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A built arch (what a worker reports, once) between core and the wire. */
public final class BuiltArchMessages {
  private BuiltArchMessages() {}

  public static dev.apkofarm.proto.v1.BuiltArch toMessage(BuiltArch b) {
    var m = dev.apkofarm.proto.v1.BuiltArch.newBuilder().setArch(b.arch().ociName())
        .setManifest(Descriptors.toMessage(b.manifest())).setConfig(Descriptors.toMessage(b.config()))
        .setCreatedSeconds(b.created().getEpochSecond()).setCreatedNanos(b.created().getNano())
        .addAllPackages(b.packages());
    for (Layer l : b.layers()) {
      m.addLayers(dev.apkofarm.proto.v1.Layer.newBuilder().setBlob(Descriptors.toMessage(l.blob()))
          .setDiffId(l.diffId().toString()).setUncompressedSize(l.uncompressedSize()));
    }
    b.sbom().ifPresent(s -> m.setSbom(Descriptors.toMessage(s)));
    return m.build();
  }

  /** @throws IllegalArgumentException naming the problem when the message is not a valid built arch */
  public static BuiltArch fromMessage(dev.apkofarm.proto.v1.BuiltArch m) {
    Arch arch = Arch.parse(m.getArch())
        .orElseThrow(() -> new IllegalArgumentException("built arch names an unknown arch: " + m.getArch()));
    if (!m.hasManifest() || !m.hasConfig()) {
      throw new IllegalArgumentException("built arch " + m.getArch() + " lacks its manifest or config");
    }
    List<Layer> layers = new ArrayList<>();
    for (var l : m.getLayersList()) {
      layers.add(new Layer(Digest.parse(l.getDiffId()), Descriptors.fromMessage(l.getBlob()), l.getUncompressedSize()));
    }
    return new BuiltArch(arch, Descriptors.fromMessage(m.getManifest()), Descriptors.fromMessage(m.getConfig()),
        layers, Instant.ofEpochSecond(m.getCreatedSeconds(), m.getCreatedNanos()),
        m.hasSbom() ? Optional.of(Descriptors.fromMessage(m.getSbom())) : Optional.empty(), m.getPackagesList());
  }
}
