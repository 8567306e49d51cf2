package dev.apkofarm.core.build;

import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.core.oci.BlobSink;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.ImageIndex;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.oci.Platform;
import dev.apkofarm.core.sbom.SbomTool;
import dev.apkofarm.core.sbom.SpdxWriter;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Assembles the image index from the built arches (in any order, from any workers): entries sorted by arch with
 * platform and {@code artifactType}, annotations = config annotations + source/revision + created (the given date, else
 * the newest arch's), and the index SBOM.
 */
public final class IndexAssembler {
  private IndexAssembler() {}

  public static BuiltImage assemble(
      LockedImage image, List<BuiltArch> built, BuildOptions options, BlobSink sink) throws IOException {
    if (built.isEmpty()) {
      throw new IllegalArgumentException("an index needs at least one arch");
    }
    List<BuiltArch> sorted = new ArrayList<>(built);
    sorted.sort(Comparator.comparing(b -> b.arch().ociName()));
    Instant created =
        options.sourceDateEpoch()
            .orElseGet(() -> sorted.stream().map(BuiltArch::created).max(Comparator.naturalOrder()).orElseThrow());
    ImageConfig config = image.config();
    List<Descriptor> manifests = new ArrayList<>();
    for (BuiltArch b : sorted) {
      manifests.add(b.manifest().withPlatform(Platform.of(b.arch())).withArtifactType(MediaType.OCI_CONFIG));
    }
    byte[] json = new ImageIndex(manifests, ImageJson.annotations(config, created)).toJson();
    Descriptor index = sink.put(MediaType.OCI_INDEX, json);

    Optional<Descriptor> sbom = Optional.empty();
    if (options.sbom()) {
      List<SpdxWriter.IndexEntry> entries = new ArrayList<>();
      sorted.forEach(b -> entries.add(new SpdxWriter.IndexEntry(b.arch(), b.manifest().digest())));
      byte[] doc =
          new SpdxWriter(SbomTool.apkoFarm())
              .index(index.digest(), entries, options.reference(), created, config.vcsUrl());
      sbom = Optional.of(sink.put(MediaType.SPDX_JSON, doc));
    }
    return new BuiltImage(index, json, sorted, sbom);
  }
}
