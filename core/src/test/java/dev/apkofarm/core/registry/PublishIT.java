package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.testing.Fixtures;
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

  @Test
  void republishingUploadsNoBlobAndKeepsTheDigest() throws Exception {
    SyntheticImage image = SyntheticImage.write(tmp.resolve("layout"), 1 << 20, "again");
    ImageRef repo = ImageRef.parse(registry.host() + "/apkofarm/again");
    ImageSet set = ImageSet.fromOciLayout(image.layout());
    PublishResult first =
        new Publisher(client(new ArrayList<>()), PublishOptions.defaults())
            .publish(set, repo, List.of("v1"), List.of(), Optional.empty());

    List<PushEvent> events = new ArrayList<>();
    PublishResult second =
        new Publisher(client(events), PublishOptions.defaults())
            .publish(set, repo, List.of("v1"), List.of(), Optional.empty());

    assertThat(second.digest()).isEqualTo(first.digest()).isEqualTo(image.index());
    assertThat(first.stats().blobsUploaded()).isEqualTo(4);
    assertThat(second.stats().blobsUploaded()).isZero();
    assertThat(second.stats().bytesUploaded()).isZero();
    assertThat(second.stats().blobHeadHits()).isEqualTo(4); // 2 configs + 2 layers
    assertThat(second.stats().manifestHeadHits()).isEqualTo(4); // 2 manifests, the index, the tag
    assertThat(second.stats().manifestsPut()).isZero();
    assertThat(events).filteredOn(e -> e instanceof PushEvent.TagWritten t && t.unchanged()).hasSize(1);
  }

  @Test
  void aFailedPushLeavesTheTagWhereItWas() throws Exception {
    ImageRef repo = ImageRef.parse(registry.host() + "/apkofarm/no-partial-tag");
    SyntheticImage v1 = SyntheticImage.write(tmp.resolve("v1"), 0, "v1");
    RegistryClient client = client(new ArrayList<>());
    Publisher publisher = new Publisher(client, PublishOptions.defaults());
    publisher.publish(ImageSet.fromOciLayout(v1.layout()), repo, List.of("stable"), List.of(), Optional.empty());

    SyntheticImage v2 = SyntheticImage.write(tmp.resolve("v2"), 0, "v2");
    Files.delete(v2.layout().resolve("blobs/sha256").resolve(v2.layers().get("arm64").hex()));
    ImageSet broken = ImageSet.fromOciLayout(v2.layout());

    assertThatThrownBy(() -> publisher.publish(broken, repo, List.of("stable"), List.of(), Optional.empty()))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining(v2.layers().get("arm64").toString())
        .hasMessageContaining("neither available locally nor in");
    assertThat(client.manifestDigest(repo.repository(), "stable")).contains(v1.index());
    // the amd64 manifest of v2 was never pushed either: manifests go in only after every blob
    assertThat(client.manifestDigest(repo.repository(), v2.manifests().get("amd64").toString())).isEmpty();
  }

  @Test
  void mountsBlobsItHasSeenInAnotherRepositoryInsteadOfUploading() throws Exception {
    SyntheticImage image = SyntheticImage.write(tmp.resolve("layout"), 0, "mount");
    ImageSet set = ImageSet.fromOciLayout(image.layout());
    RegistryClient client = client(new ArrayList<>());
    Publisher publisher = new Publisher(client, PublishOptions.defaults());
    publisher.publish(set, ImageRef.parse(registry.host() + "/team/source"), List.of("x"), List.of(),
        Optional.empty());

    PublishResult copy =
        publisher.publish(set, ImageRef.parse(registry.host() + "/team/target"), List.of("x"), List.of(),
            Optional.empty());

    assertThat(copy.stats().mounts()).isEqualTo(4);
    assertThat(copy.stats().blobsUploaded()).isZero();
    assertThat(client.blobExists("team/target", image.layers().get("amd64"))).isTrue();
  }

  @Test
  void mountsFromAConfiguredRepositoryWhenTheBlobIsNotLocal() throws Exception {
    SyntheticImage image = SyntheticImage.write(tmp.resolve("layout"), 0, "mount-from");
    ImageSet set = ImageSet.fromOciLayout(image.layout());
    new Publisher(client(new ArrayList<>()), PublishOptions.defaults())
        .publish(set, ImageRef.parse(registry.host() + "/farm/layers"), List.of(), List.of(), Optional.empty());
    // A coordinator has the manifests but not the layers, which a worker pushed to another repository.
    ImageSet manifestsOnly = new ImageSet(set.root(), set.manifests(), LocalBlobs.none());

    PublishResult r =
        new Publisher(client(new ArrayList<>()), new PublishOptions(false, List.of("farm/layers")))
            .publish(manifestsOnly, ImageRef.parse(registry.host() + "/farm/app"), List.of("1"), List.of(),
                Optional.empty());

    assertThat(r.stats().mounts()).isEqualTo(4);
    assertThat(r.stats().blobsUploaded()).isZero();
  }

  @Test
  void attachesEachPlatformsSbomAsAReferrerThroughTheFallbackTag() throws Exception {
    SyntheticImage image = SyntheticImage.write(tmp.resolve("layout"), 0, "sbom");
    ImageSet set = ImageSet.fromOciLayout(image.layout());
    RegistryClient client = client(new ArrayList<>());
    ImageRef repo = ImageRef.parse(registry.host() + "/apkofarm/sbom");

    PublishResult r =
        new Publisher(client, PublishOptions.defaults())
            .publish(set, repo, List.of("latest"), Attachment.spdxSboms(image.sboms(), set), Optional.empty());

    assertThat(r.referrers()).hasSize(2);
    // distribution 2.8 has no referrers API, so the fallback tag sha256-<hex> indexes them
    assertThat(client.referrersApi(repo.repository(), image.manifests().get("arm64"))).isEmpty();
    Digest arm64 = image.manifests().get("arm64");
    String tagIndex = Skopeo.plain().inspectRaw(repo.withTag("sha256-" + arm64.hex()).toString());
    JsonNode entries = JSON.readTree(tagIndex).path("manifests");
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).path("artifactType").asText()).isEqualTo(MediaType.SPDX_JSON);
    String artifact = Skopeo.plain().inspectRaw(repo.withDigest(Digest.parse(entries.get(0).path("digest")
        .asText())).toString());
    JsonNode a = JSON.readTree(artifact);
    assertThat(a.path("subject").path("digest").asText()).isEqualTo(arm64.toString());
    Digest sbom = Digest.parse(a.path("layers").get(0).path("digest").asText());
    assertThat(sbom).isEqualTo(Digest.of(Files.readAllBytes(image.sboms().resolve("sbom-aarch64.spdx.json"))));
    assertThat(Referrers.list(client, repo.repository(), arm64)).extracting(d -> d.digest())
        .containsExactly(Digest.parse(entries.get(0).path("digest").asText()));
  }

  @Test
  void reportsUnchangedOnlyForTheKeyTheTaggedIndexWasPublishedWith() throws Exception {
    SyntheticImage image = SyntheticImage.write(tmp.resolve("layout"), 0, "key");
    ImageRef repo = ImageRef.parse(registry.host() + "/apkofarm/unchanged");
    Publisher publisher = new Publisher(client(new ArrayList<>()), PublishOptions.defaults());
    PublishKey key = PublishKey.of("locked config bytes", "engine 1", "amd64,arm64");
    assertThat(publisher.findUnchanged(repo, "latest", key)).isEmpty();

    publisher.publish(ImageSet.fromOciLayout(image.layout()), repo, List.of("latest"), List.of(), Optional.of(key));

    assertThat(publisher.findUnchanged(repo, "latest", key)).contains(image.index());
    assertThat(publisher.findUnchanged(repo, "latest", PublishKey.of("locked config bytes", "engine 2",
        "amd64,arm64"))).isEmpty();
    assertThat(publisher.findUnchanged(repo, "other-tag", key)).isEmpty();
    Publisher docker = new Publisher(client(new ArrayList<>()), new PublishOptions(true, List.of()));
    assertThat(docker.findUnchanged(repo, "latest", key)).isEmpty();

    PublishResult retagged = publisher.tagExisting(repo, image.index(), List.of("other-tag"));
    assertThat(retagged.stats().blobsUploaded()).isZero();
    assertThat(publisher.findUnchanged(repo, "other-tag", key)).contains(image.index());
  }

  @Test
  void dockerMediaTypesPushAManifestListThatSkopeoCopiesPerPlatform() throws Exception {
    SyntheticImage image = SyntheticImage.write(tmp.resolve("layout"), 0, "docker");
    ImageRef repo = ImageRef.parse(registry.host() + "/apkofarm/docker");

    PublishResult r =
        new Publisher(client(new ArrayList<>()), new PublishOptions(true, List.of()))
            .publish(ImageSet.fromOciLayout(image.layout()), repo, List.of("latest"), List.of(), Optional.empty());

    assertThat(r.digest()).isNotEqualTo(image.index());
    JsonNode list = JSON.readTree(Skopeo.plain().inspectRaw(repo.withTag("latest").toString()));
    assertThat(list.path("mediaType").asText()).isEqualTo(MediaType.DOCKER_MANIFEST_LIST);
    for (JsonNode m : list.path("manifests")) {
      assertThat(m.path("mediaType").asText()).isEqualTo(MediaType.DOCKER_MANIFEST);
      assertThat(m.has("artifactType")).isFalse();
    }
    Path out = tmp.resolve("copy");
    Skopeo.plain().copyPlatform(repo.withTag("latest").toString(), "arm64", out).ok();
    JsonNode manifest = JSON.readTree(Files.readAllBytes(out.resolve("manifest.json")));
    assertThat(manifest.path("mediaType").asText()).isEqualTo(MediaType.DOCKER_MANIFEST);
    assertThat(manifest.path("layers").get(0).path("mediaType").asText()).isEqualTo(MediaType.DOCKER_LAYER_GZIP);
    assertThat(manifest.path("layers").get(0).path("digest").asText())
        .isEqualTo(image.layers().get("arm64").toString());
  }

  @Test
  void publishesApkosGoldenLayoutUnderTheDigestApkoComputed() throws Exception {
    Path golden = Fixtures.apkoCli().resolve("testdata/golden");
    ImageSet set = ImageSet.fromOciLayout(golden);
    ImageRef repo = ImageRef.parse(registry.host() + "/apkofarm/golden");

    PublishResult r =
        new Publisher(client(new ArrayList<>()), PublishOptions.defaults())
            .publish(set, repo, List.of("latest"), Attachment.spdxSboms(golden.resolve("sboms"), set),
                Optional.empty());

    assertThat(r.digest()).isEqualTo(Digest.of(Files.readAllBytes(golden.resolve("index.json"))));
    assertThat(r.referrers()).hasSize(3); // one SBOM per platform and the index's
    for (String arch : List.of("amd64", "arm64")) {
      Skopeo.plain().copyPlatform(repo.withTag("latest").toString(), arch, tmp.resolve(arch)).ok();
    }
  }
}
