package dev.apkofarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.ImageConfigFile.ContainerConfig;
import dev.apkofarm.core.oci.ImageConfigFile.History;
import dev.apkofarm.core.testing.ApkoGolden;
import dev.apkofarm.core.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Config, manifest and index JSON must be byte-identical to what apko wrote for its golden image. */
class ImageJsonTest {
  private static final Map<String, String> ANNOTATIONS =
      Map.of(
          "org.opencontainers.image.created", "1970-01-01T00:00:00Z",
          "org.opencontainers.image.title", "Title",
          "org.opencontainers.image.vendor", "Vendor");

  private static byte[] golden(String digest) throws Exception {
    return Files.readAllBytes(
        Fixtures.apkoCli().resolve("testdata/golden/blobs/sha256").resolve(Digest.parse(digest).hex()));
  }

  static ImageConfigFile goldenConfig(Arch arch, String diffId) {
    Instant epoch = Instant.EPOCH;
    return new ImageConfigFile(
        Platform.of(arch),
        "github.com/chainguard-dev/apko",
        epoch,
        List.of(new History("apko", epoch, "apko", "Title by Vendor")),
        List.of(Digest.parse(diffId)),
        new ContainerConfig(
            List.of(),
            List.of("/bin/sh", "-l"),
            List.of(
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin",
                "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"),
            new TreeMap<>(ANNOTATIONS),
            "",
            new TreeSet<>(),
            "",
            ""));
  }

  @Test
  void configMatchesApkosGoldenConfigBytes() throws Exception {
    byte[] amd64 = goldenConfig(Arch.AMD64, ApkoGolden.AMD64_DIFF_ID).toJson();
    byte[] arm64 = goldenConfig(Arch.ARM64, ApkoGolden.ARM64_DIFF_ID).toJson();

    assertThat(amd64).isEqualTo(golden(ApkoGolden.AMD64_CONFIG));
    assertThat(arm64).isEqualTo(golden(ApkoGolden.ARM64_CONFIG));
  }

  @Test
  void manifestAndIndexMatchApkosGoldenBytes() throws Exception {
    ImageManifest amd64 =
        new ImageManifest(
            Descriptor.of(MediaType.OCI_CONFIG, Digest.parse(ApkoGolden.AMD64_CONFIG), 658),
            List.of(Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.parse(ApkoGolden.AMD64_LAYER), 3072)),
            ANNOTATIONS);
    byte[] manifest = amd64.toJson();
    assertThat(manifest).isEqualTo(golden(ApkoGolden.AMD64_MANIFEST));

    ImageIndex index =
        new ImageIndex(
            List.of(
                Descriptor.of(MediaType.OCI_MANIFEST, Digest.of(manifest), manifest.length)
                    .withPlatform(Platform.of(Arch.AMD64))
                    .withArtifactType(MediaType.OCI_CONFIG),
                Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse(ApkoGolden.ARM64_MANIFEST), 560)
                    .withPlatform(Platform.of(Arch.ARM64))
                    .withArtifactType(MediaType.OCI_CONFIG)),
            ANNOTATIONS);
    Path indexJson = Fixtures.apkoCli().resolve("testdata/golden/index.json");
    assertThat(index.toJson()).isEqualTo(Files.readAllBytes(indexJson));
  }

  @Test
  void variantVolumesUserAndEscapingFollowGo() {
    ImageConfigFile c =
        new ImageConfigFile(
            Platform.of(Arch.ARMV7),
            "",
            Instant.ofEpochSecond(1700000000),
            List.of(),
            List.of(),
            new ContainerConfig(
                List.of("--flag=<x>&"),
                List.of(),
                List.of(),
                new TreeMap<>(),
                "65532",
                new TreeSet<>(List.of("/var/lib/db", "/data")),
                "/work",
                "SIGTERM"));

    assertThat(new String(c.toJson(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"architecture\":\"arm\",\"created\":\"2023-11-14T22:13:20Z\",\"os\":\"linux\","
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"config\":{\"Cmd\":[\"--flag=\\u003cx\\u003e\\u0026\"],"
                + "\"User\":\"65532\",\"Volumes\":{\"/data\":{},\"/var/lib/db\":{}},\"WorkingDir\":\"/work\","
                + "\"StopSignal\":\"SIGTERM\"},\"variant\":\"v7\"}");
  }
}
