package dev.apkofarm.core.registry;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.oci.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A file to attach to a manifest of the image as an OCI referrer (an artifact manifest whose {@code subject} is
 * that manifest), e.g. an arch's SPDX SBOM.
 *
 * @param subject the digest of the manifest or index it describes (as built, before any media-type conversion)
 * @param artifactType e.g. {@code application/spdx+json}
 * @param content the file
 * @param title its file name, recorded as {@code org.opencontainers.image.title}
 */
public record Attachment(Digest subject, String artifactType, BlobContent content, String title) {
  public Attachment {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(artifactType, "artifactType");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(title, "title");
  }

  /** The layer annotations of the artifact. */
  Map<String, String> layerAnnotations() {
    Map<String, String> a = new TreeMap<>();
    a.put("org.opencontainers.image.title", title);
    return a;
  }

  /**
   * The SPDX SBOMs apko writes beside an image ({@code sbom-<apk arch>.spdx.json} per platform,
   * {@code sbom-index.spdx.json} for the index), each attached to its manifest. Files that are absent are skipped.
   */
  public static List<Attachment> spdxSboms(Path dir, ImageSet image) throws IOException {
    List<Attachment> out = new ArrayList<>();
    for (var d : image.platformManifests()) {
      Optional<Arch> arch = archOf(d.platform().get());
      if (arch.isEmpty()) {
        continue;
      }
      Path f = dir.resolve("sbom-" + arch.get().apkName() + ".spdx.json");
      if (Files.isRegularFile(f)) {
        out.add(new Attachment(d.digest(), MediaType.SPDX_JSON, file(f), f.getFileName().toString()));
      }
    }
    Path index = dir.resolve("sbom-index.spdx.json");
    if (Files.isRegularFile(index)) {
      out.add(new Attachment(image.root().digest(), MediaType.SPDX_JSON, file(index), "sbom-index.spdx.json"));
    }
    return out;
  }

  private static BlobContent file(Path f) throws IOException {
    return BlobContent.ofBytes(Files.readAllBytes(f));
  }

  private static Optional<Arch> archOf(Platform p) {
    for (Arch a : Arch.values()) {
      if (Platform.of(a).architecture().equals(p.architecture())
          && Platform.of(a).variant().equals(p.variant())) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
