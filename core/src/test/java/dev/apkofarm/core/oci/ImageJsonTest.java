package dev.apkofarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.ImageConfigFile.ContainerConfig;
import dev.apkofarm.core.oci.ImageConfigFile.History;
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

  private static byte[] golden(String hex) throws Exception {
    return Files.readAllBytes(Fixtures.apkoCli().resolve("testdata/golden/blobs/sha256").resolve(hex));
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
    byte[] amd64 =
        goldenConfig(Arch.AMD64, "sha256:20f698463c2755b6dc42b7d07e959ed7455a06e7367d507e829a315898f21a01")
            .toJson();
    byte[] arm64 =
        goldenConfig(Arch.ARM64, "sha256:ca5e16c7c944d764863cb1a4286e668e72d6d87ef9ddd82337b19d87715bae7e")
            .toJson();

    assertThat(amd64).isEqualTo(golden("6c815259150f37d000417f9a93f41bddf74dff905c745986069d4b03e954ac1d"));
    assertThat(arm64).isEqualTo(golden("fbb854f9d5a601a36c4dc8cc82e5b21e91b11cdd4aab5035340e4f517c5a8eb1"));
  }

  @Test
  void manifestAndIndexMatchApkosGoldenBytes() throws Exception {
    ImageManifest amd64 =
        new ImageManifest(
            Descriptor.of(
                MediaType.OCI_CONFIG,
                Digest.parse("sha256:6c815259150f37d000417f9a93f41bddf74dff905c745986069d4b03e954ac1d"),
                658),
            List.of(
                Descriptor.of(
                    MediaType.OCI_LAYER_GZIP,
                    Digest.parse("sha256:c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738"),
                    3072)),
            ANNOTATIONS);
    byte[] manifest = amd64.toJson();
    assertThat(manifest).isEqualTo(golden("69f0237c7f8cf0b8a329d1bf1d6870c870c4ec323e39d3a6da59596632d0f2f4"));

    ImageIndex index =
        new ImageIndex(
            List.of(
                Descriptor.of(MediaType.OCI_MANIFEST, Digest.of(manifest), manifest.length)
                    .withPlatform(Platform.of(Arch.AMD64))
                    .withArtifactType(MediaType.OCI_CONFIG),
                Descriptor.of(
                        MediaType.OCI_MANIFEST,
                        Digest.parse(
                            "sha256:124c885f834cfaf1329987457a9651a68c4fb9733d4462ae6288b98011277858"),
                        560)
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
