package dev.apkofarm.core.build;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Layer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One arch of an image, built: descriptors of the blobs written to the build's {@link dev.apkofarm.core.oci.BlobSink}
 * (manifest, config, layers, SBOM) and what the index needs to list it. Small and serialisable field by field: this
 * is what a farm worker reports back.
 *
 * @param arch the arch
 * @param manifest the image manifest blob
 * @param config the image config blob
 * @param layers the layers, bottom first (diff_id + compressed blob)
 * @param created the image creation time
 * @param sbom the arch SBOM blob ({@code sbom-<apk arch>.spdx.json}), if SBOMs were asked for
 * @param packages installed packages as {@code name=version}, in install order
 */
public record BuiltArch(
    Arch arch,
    Descriptor manifest,
    Descriptor config,
    List<Layer> layers,
    Instant created,
    Optional<Descriptor> sbom,
    List<String> packages) {
  public BuiltArch {
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(sbom, "sbom");
    packages = List.copyOf(packages);
  }

  /** Every blob of this arch: config, layers, manifest (SBOMs are not part of the image). */
  public List<Descriptor> imageBlobs() {
    List<Descriptor> out = new ArrayList<>();
    out.add(config);
    layers.forEach(l -> out.add(l.blob()));
    out.add(manifest);
    return out;
  }

  /** The SBOM's file name, as apko names it. */
  public String sbomFileName() {
    return "sbom-" + arch.apkName() + ".spdx.json";
  }
}
