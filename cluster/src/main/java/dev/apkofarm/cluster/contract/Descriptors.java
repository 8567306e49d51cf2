package dev.apkofarm.cluster.contract;

import dev.apkofarm.core.InputText;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.Platform;
import java.util.Optional;

/** OCI descriptors between core and the wire. */
public final class Descriptors {
  private Descriptors() {}

  public static dev.apkofarm.proto.v1.Descriptor toMessage(Descriptor d) {
    var b = dev.apkofarm.proto.v1.Descriptor.newBuilder().setMediaType(d.mediaType())
        .setDigest(d.digest().toString()).setSize(d.size()).addAllAnnotations(MapEntries.toStringEntries(d.annotations()));
    d.platform().ifPresent(p -> b.setPlatform(dev.apkofarm.proto.v1.Platform.newBuilder().setOs(p.os())
        .setArchitecture(p.architecture()).setVariant(p.variant().orElse(""))));
    d.artifactType().ifPresent(b::setArtifactType);
    return b.build();
  }

  /** @throws IllegalArgumentException naming the problem when the message is not a valid descriptor */
  public static Descriptor fromMessage(dev.apkofarm.proto.v1.Descriptor m) {
    Optional<Platform> platform = m.hasPlatform()
        ? Optional.of(new Platform(m.getPlatform().getOs(), m.getPlatform().getArchitecture(),
            m.getPlatform().getVariant().isEmpty() ? Optional.empty() : Optional.of(m.getPlatform().getVariant())))
        : Optional.empty();
    if (m.getSize() < 0) {
      throw new IllegalArgumentException("descriptor " + m.getDigest() + " has a negative size");
    }
    return new Descriptor(m.getMediaType(), Digest.parse(m.getDigest()), m.getSize(), platform,
        m.getArtifactType().isEmpty() ? Optional.empty() : Optional.of(m.getArtifactType()),
        MapEntries.stringMap(m.getAnnotationsList(), "descriptor " + InputText.quote(m.getDigest()) + " annotations"));
  }
}
