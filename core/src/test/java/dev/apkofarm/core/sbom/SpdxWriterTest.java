package dev.apkofarm.core.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.sbom.SpdxWriter.IndexEntry;
import dev.apkofarm.core.sbom.SpdxWriter.NameVersion;
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
        TarTrees.read(TarTrees.goldenBlob("c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738"));
    SpdxWriter.ImageInput in =
        new SpdxWriter.ImageInput(
            tree,
            List.of(new NameVersion("pretend-baselayout", "1.0.0-r0"), new NameVersion("replayout", "1.0.0-r0")),
            "golden:latest",
            Arch.AMD64,
            Digest.parse("sha256:69f0237c7f8cf0b8a329d1bf1d6870c870c4ec323e39d3a6da59596632d0f2f4"),
            List.of(
                Descriptor.of(
                    MediaType.OCI_LAYER_GZIP,
                    Digest.parse("sha256:c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738"),
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
                    Digest.parse("sha256:b5f05e6fc882c97d61c1daee566954ae6fc09924f8e152293e2b97a06092069f"),
                    List.of(
                        new IndexEntry(
                            Arch.AMD64,
                            Digest.parse(
                                "sha256:69f0237c7f8cf0b8a329d1bf1d6870c870c4ec323e39d3a6da59596632d0f2f4")),
                        new IndexEntry(
                            Arch.ARM64,
                            Digest.parse(
                                "sha256:124c885f834cfaf1329987457a9651a68c4fb9733d4462ae6288b98011277858"))),
                    "golden:latest",
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
