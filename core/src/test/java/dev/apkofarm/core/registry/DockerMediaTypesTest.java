package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.testing.SyntheticImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerMediaTypesTest {
  @TempDir Path tmp;

  @Test
  void rewritesTypesAndTheIndexListsTheRewrittenManifests() throws Exception {
    SyntheticImage image = SyntheticImage.write(tmp.resolve("l"), 0, "docker");
    ImageSet oci = ImageSet.fromOciLayout(image.layout());

    DockerMediaTypes.Converted c = DockerMediaTypes.convert(oci);

    ImageSet docker = c.image();
    assertThat(docker.root().mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_LIST);
    JsonNode list = ManifestJson.read(docker.root().bytes(), "list");
    assertThat(list.path("mediaType").asText()).isEqualTo(MediaType.DOCKER_MANIFEST_LIST);
    for (ManifestContent m : docker.manifests()) {
      assertThat(m.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
      assertThat(ManifestJson.children(m)).extracting(Descriptor::mediaType)
          .containsExactly(MediaType.DOCKER_CONFIG, MediaType.DOCKER_LAYER_GZIP);
    }
    assertThat(ManifestJson.children(docker.root())).extracting(Descriptor::digest)
        .containsExactlyElementsOf(docker.manifests().stream().map(ManifestContent::digest).toList());
    assertThat(c.renamed()).containsKey(image.manifests().get("amd64"));
    // blobs are untouched
    assertThat(docker.blobDescriptors()).extracting(Descriptor::digest)
        .containsExactlyElementsOf(oci.blobDescriptors().stream().map(Descriptor::digest).toList());
    assertThat(DockerMediaTypes.convert(oci).image().root()).isEqualTo(docker.root()); // deterministic
  }
}
