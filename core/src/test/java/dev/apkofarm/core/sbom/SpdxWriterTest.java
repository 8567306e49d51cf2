package dev.apkofarm.core.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.sbom.SpdxWriter.IndexEntry;
import dev.apkofarm.core.sbom.SpdxWriter.NameVersion;
import dev.apkofarm.core.testing.ApkoGolden;
import dev.apkofarm.core.testing.Fixtures;
import dev.apkofarm.core.testing.TarTrees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Given apko's golden digests, our SBOMs equal apko's golden SBOMs except where they name the tool. */
class SpdxWriterTest {
  private static final SbomTool APKO =
      new SbomTool(
          List.of("Tool: apko (devel)", "Organization: Chainguard, Inc"),
          "https://spdx.org/spdxdocs/apko/",
          "Chainguard, Inc.",
          "Generated at image build time by apko");

  private static String golden(String name) throws Exception {
    return Files.readString(Fixtures.apkoCli().resolve("testdata/golden/sboms").resolve(name));
  }

  @Test
  void archSbomMatchesApkosGoldenSbom() throws Exception {
    ImageTree tree =
        TarTrees.read(TarTrees.goldenBlob(Digest.parse(ApkoGolden.AMD64_LAYER).hex()));
    SpdxWriter.ImageInput in =
        new SpdxWriter.ImageInput(
            tree,
            List.of(new NameVersion("pretend-baselayout", "1.0.0-r0"), new NameVersion("replayout", "1.0.0-r0")),
            ApkoGolden.REFERENCE,
            Arch.AMD64,
            Digest.parse(ApkoGolden.AMD64_MANIFEST),
            List.of(
                Descriptor.of(
                    MediaType.OCI_LAYER_GZIP,
                    Digest.parse(ApkoGolden.AMD64_LAYER),
                    3072)),
            Instant.EPOCH,
            Optional.empty());

    String sbom = new String(new SpdxWriter(APKO).image(in), StandardCharsets.UTF_8);

    assertThat(sbom).isEqualTo(golden("sbom-x86_64.spdx.json"));
  }

  @Test
  void indexSbomMatchesApkosGoldenSbom() throws Exception {
    String sbom =
        new String(
            new SpdxWriter(APKO)
                .index(
                    Digest.parse(ApkoGolden.INDEX),
                    List.of(
                        new IndexEntry(
                            Arch.AMD64,
                            Digest.parse(ApkoGolden.AMD64_MANIFEST)),
                        new IndexEntry(
                            Arch.ARM64,
                            Digest.parse(ApkoGolden.ARM64_MANIFEST))),
                    ApkoGolden.REFERENCE,
                    Instant.EPOCH,
                    Optional.empty()),
            StandardCharsets.UTF_8);

    assertThat(sbom).isEqualTo(golden("sbom-index.spdx.json"));
  }

  @Test
  void namesApkoFarmNeverChainguard() throws Exception {
    byte[] sbom =
        new SpdxWriter(SbomTool.apkoFarm())
            .index(
                Digest.of(new byte[0]),
                List.of(new IndexEntry(Arch.ARM64, Digest.of(new byte[1]))),
                "registry.example.com/team/app:1.2",
                Instant.ofEpochSecond(1700000000),
                Optional.of("https://github.com/acme/app@0123abcd"));
    String s = new String(sbom, StandardCharsets.UTF_8);

    assertThat(s).doesNotContain("Chainguard").contains("Tool: apko-farm (").contains("apko-farm/");
    assertThat(s).contains("\"created\": \"2023-11-14T22:13:20Z\"");
    assertThat(s).contains("pkg:oci/app@sha256:").contains("pkg:github/acme/app@0123abcd");
  }

  @Test
  void mergesAPackageSbomWithNullFieldsAndElementsAsGoReadsIt() throws Exception {
    ImageTree tree = new ImageTree();
    tree.mkdirAll("var/lib/db/sbom", 0755);
    tree.writeFile(
        "var/lib/db/sbom/tool-1.0-r0.spdx.json",
        """
        {"SPDXID": "SPDXRef-DOCUMENT", "documentDescribes": null, "hasExtractedLicensingInfos": null,
         "packages": [null, {"SPDXID": "SPDXRef-Package-tool", "name": "tool", "versionInfo": null,
                             "supplier": null, "checksums": null,
                             "externalRefs": [{"referenceCategory": null, "referenceType": "purl",
                                               "referenceLocator": "pkg:apk/wolfi/tool@1.0-r0"}]}],
         "relationships": [null, {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                                  "relatedSpdxElement": "SPDXRef-Package-tool"}]}
        """.getBytes(StandardCharsets.UTF_8),
        0644);
    SpdxWriter.ImageInput in =
        new SpdxWriter.ImageInput(
            tree, List.of(new NameVersion("tool", "1.0-r0")), "tool:latest", Arch.AMD64, Digest.of(new byte[0]),
            List.of(Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.of(new byte[1]), 1)), Instant.EPOCH,
            Optional.empty());

    String sbom = new String(new SpdxWriter(SbomTool.apkoFarm()).image(in), StandardCharsets.UTF_8);

    assertThat(sbom)
        .contains("\"SPDXID\": \"SPDXRef-Package-tool\"")
        .contains("\"referenceCategory\": \"\",")
        .contains("\"referenceLocator\": \"pkg:apk/wolfi/tool@1.0-r0\"")
        .contains("\"relatedSpdxElement\": \"SPDXRef-Package-tool\"")
        .doesNotContain("null");
  }

  @Test
  void spdxIdsEncodeEveryOtherByteAsItsDecimalValue() {
    assertThat(Purl.spdxId("SPDXRef-Package-sha256:ab_c/é")).isEqualTo("SPDXRef-Package-sha256-abC95cC47C195C169");
  }
}
