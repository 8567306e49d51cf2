package dev.apkofarm.core.build;

import dev.apkofarm.core.oci.Descriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole image: its index and every arch. The blobs (index included) are in the build's blob store.
 *
 * @param index the image index blob
 * @param indexJson the index bytes (also an OCI layout's {@code index.json})
 * @param archs the arches, in index order
 * @param sbom the index SBOM blob ({@code sbom-index.spdx.json}), if SBOMs were asked for
 */
public record BuiltImage(Descriptor index, byte[] indexJson, List<BuiltArch> archs, Optional<Descriptor> sbom) {
  public BuiltImage {
    Objects.requireNonNull(index, "index");
    indexJson = indexJson.clone();
    archs = List.copyOf(archs);
    Objects.requireNonNull(sbom, "sbom");
  }

  @Override
  public byte[] indexJson() {
    return indexJson.clone();
  }

  /** Every blob the index reaches (per arch: config, layers, manifest). */
  public List<Descriptor> imageBlobs() {
    List<Descriptor> out = new ArrayList<>();
    archs.forEach(a -> out.addAll(a.imageBlobs()));
    return out;
  }
}
