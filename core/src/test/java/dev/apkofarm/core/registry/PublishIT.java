package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.testing.LocalRegistry;
import dev.apkofarm.core.testing.Skopeo;
import dev.apkofarm.core.testing.SyntheticImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing to a real registry (Debian's docker-registry, plain HTTP on 127.0.0.1), checked with skopeo. */
class PublishIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path shared;
  private static LocalRegistry registry;

  @TempDir Path tmp;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = LocalRegistry.start(shared.resolve("registry"));
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private RegistryClient client(List<PushEvent> events) throws Exception {
    return RegistryClient.create(
        registry.host(),
        RegistryOptions.builder().credentials(CredentialSource.none()).listener(events::add).build());
  }

  @Test
  void publishesTwoPlatformIndexThatSkopeoReadsAndCopiesPerPlatform() throws Exception {
    SyntheticImage image = SyntheticImage.write(tmp.resolve("layout"), 4096, "one");
    RegistryClient client = client(new ArrayList<>());
    ImageRef repo = ImageRef.parse(registry.host() + "/apkofarm/two-platforms");

    PublishResult result =
        new Publisher(client, PublishOptions.defaults())
            .publish(ImageSet.fromOciLayout(image.layout()), repo, List.of("latest"), List.of(), Optional.empty());

    assertThat(result.digest()).isEqualTo(image.index());
    assertThat(result.reference().toString())
        .isEqualTo(registry.host() + "/apkofarm/two-platforms@" + image.index());
    String raw = Skopeo.plain().inspectRaw(repo.withTag("latest").toString());
    assertThat(Digest.of(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(image.index());
    JsonNode index = JSON.readTree(raw);
    assertThat(index.path("mediaType").asText()).isEqualTo(MediaType.OCI_INDEX);
    List<String> platforms = new ArrayList<>();
    index.path("manifests").forEach(m -> platforms.add(m.path("platform").path("os").asText() + "/"
        + m.path("platform").path("architecture").asText()));
    assertThat(platforms).containsExactly("linux/amd64", "linux/arm64");
    for (String arch : List.of("amd64", "arm64")) {
      Path out = tmp.resolve("copy-" + arch);
      Skopeo.plain().copyPlatform(repo.withTag("latest").toString(), arch, out).ok();
      JsonNode manifest = JSON.readTree(Files.readAllBytes(out.resolve("manifest.json")));
      String configHex = Digest.parse(manifest.path("config").path("digest").asText()).hex();
      JsonNode config = JSON.readTree(Files.readAllBytes(out.resolve(configHex)));
      assertThat(config.path("architecture").asText()).isEqualTo(arch);
      String layerHex = image.layers().get(arch).hex();
      assertThat(Digest.of(Files.readAllBytes(out.resolve(layerHex)))).isEqualTo(image.layers().get(arch));
    }
  }
}
