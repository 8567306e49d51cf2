package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.oci.Platform;
import dev.apkofarm.core.testing.Fixtures;
import dev.apkofarm.core.testing.SyntheticImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSetTest {
  @TempDir Path tmp;

  @Test
  void readsApkosLayoutWithIndexJsonAsTheRootIndex() throws Exception {
    Path golden = Fixtures.apkoCli().resolve("testdata/golden");

    ImageSet set = ImageSet.fromOciLayout(golden);

    assertThat(set.root().digest()).isEqualTo(Digest.of(Files.readAllBytes(golden.resolve("index.json"))));
    assertThat(set.root().mediaType()).isEqualTo(MediaType.OCI_INDEX);
    assertThat(set.manifests()).hasSize(2);
    assertThat(set.blobDescriptors()).hasSize(4);
    assertThat(set.platformManifests()).extracting(d -> d.platform().orElseThrow().toString())
        .containsExactly("linux/amd64", "linux/arm64");
    assertThat(Attachment.spdxSboms(golden.resolve("sboms"), set)).extracting(Attachment::title)
        .containsExactly("sbom-x86_64.spdx.json", "sbom-aarch64.spdx.json", "sbom-index.spdx.json");
  }

  @Test
  void followsASingleNestedIndexEntry() throws Exception {
    SyntheticImage image = SyntheticImage.write(tmp.resolve("l"), 0, "nested");
    byte[] index = Files.readAllBytes(image.layout().resolve("index.json"));
    Files.write(image.layout().resolve("blobs/sha256").resolve(image.index().hex()), index);
    Files.writeString(
        image.layout().resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"digest\":\""
            + image.index() + "\",\"size\":" + index.length + "}]}");

    ImageSet set = ImageSet.fromOciLayout(image.layout());

    assertThat(set.root().digest()).isEqualTo(image.index());
    assertThat(set.manifestFor(new Platform("linux", "arm64", Optional.empty())))
        .contains(image.manifests().get("arm64"));
  }

  @Test
  void refusesACorruptManifestNamingTheFile() throws Exception {
    SyntheticImage image = SyntheticImage.write(tmp.resolve("l"), 0, "corrupt");
    Path manifest = image.layout().resolve("blobs/sha256").resolve(image.manifests().get("amd64").hex());
    Files.writeString(manifest, Files.readString(manifest).replace("schemaVersion", "schemaversion"));

    assertThatThrownBy(() -> ImageSet.fromOciLayout(image.layout()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(manifest.toString())
        .hasMessageContaining("corrupt");
  }

  @Test
  void refusesADirectoryThatIsNotALayout() {
    assertThatThrownBy(() -> ImageSet.fromOciLayout(tmp))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("not an OCI image layout");
  }
}
