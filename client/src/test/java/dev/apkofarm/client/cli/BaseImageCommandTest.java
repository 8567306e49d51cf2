package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.testing.ApkoGolden;
import dev.apkofarm.core.testing.Fixtures;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * apko's base-image test ({@code TestBuildWithBase}: {@code image_on_top.apko.yaml} on {@code base_image/}) through
 * every command. apko's golden {@code top_image/} is the reference: equal configs (byte for byte, so equal
 * diff_ids, entrypoint, env and history) and the base's layer blobs reused unchanged. The top layer's compressed
 * digest, and so the manifests, differ by gzip only (see the README); its diff_id is apko's.
 */
class BaseImageCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG = "testdata/image_on_top.apko.yaml";
  private static final String LOCK = "testdata/image_on_top.apko.lock.json";
  private static final Path GOLDEN = Fixtures.apkoCli().resolve("testdata/top_image");

  @TempDir Path dir;

  private CliRun run(Path workDir, String... args) {
    List<String> all = new ArrayList<>(List.of("-C", workDir.toString()));
    all.addAll(List.of(args));
    return CliRun.of(ApkoGolden.environment(), all.toArray(String[]::new));
  }

  private CliRun run(String... args) {
    return run(Fixtures.apkoCli(), args);
  }

  private String cache() {
    return dir.resolve("cache").toString();
  }

  private static JsonNode json(Path layout, String digest) throws Exception {
    return JSON.readTree(blob(layout, digest).toFile());
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  /** The manifest of {@code architecture} in a layout. */
  private static JsonNode manifest(Path layout, String architecture) throws Exception {
    for (JsonNode m : JSON.readTree(layout.resolve("index.json").toFile()).path("manifests")) {
      if (m.at("/platform/architecture").asText().equals(architecture)) {
        return json(layout, m.path("digest").asText());
      }
    }
    throw new AssertionError("no " + architecture + " manifest in " + layout);
  }

  private static void assertLikeApkosTopImage(Path layout) throws Exception {
    for (String arch : List.of("amd64", "arm64")) {
      JsonNode ours = manifest(layout, arch);
      JsonNode golden = manifest(GOLDEN, arch);
      String config = ours.at("/config/digest").asText();
      assertThat(config).as(arch + " config").isEqualTo(golden.at("/config/digest").asText());
      assertThat(Files.readAllBytes(blob(layout, config))).isEqualTo(Files.readAllBytes(blob(GOLDEN, config)));
      JsonNode cfg = json(layout, config);
      assertThat(cfg.at("/rootfs/diff_ids")).hasSize(2);
      assertThat(cfg.at("/config/Entrypoint").toString()).isEqualTo("[\"/bin/sh\",\"-l\"]");
      assertThat(ours.path("layers")).hasSize(2);
      // the base layer is reused as it is: same blob, same descriptor
      String baseLayer = golden.at("/layers/0/digest").asText();
      assertThat(ours.at("/layers/0")).isEqualTo(golden.at("/layers/0"));
      assertThat(Files.readAllBytes(blob(layout, baseLayer))).isEqualTo(Files.readAllBytes(blob(GOLDEN, baseLayer)));
      // the top layer: apko's content (diff_id), our gzip
      try (InputStream in = new GZIPInputStream(Files.newInputStream(blob(layout, ours.at("/layers/1/digest").asText())))) {
        assertThat(Digest.of(in.readAllBytes()).toString()).isEqualTo(cfg.at("/rootfs/diff_ids/1").asText());
      }
    }
  }

  @Test
  void buildWithTheLockFileGivesApkosTopImage() throws Exception {
    Path layout = Files.createDirectory(dir.resolve("layout"));

    CliRun r = run("build", "--lockfile", LOCK, CONFIG, "golden_top:latest", layout.toString(), "--arch", "amd64,arm64",
        "--cache-dir", cache(), "--sbom-path", dir.resolve("sboms").toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertLikeApkosTopImage(layout);
    assertThat(r.err()).contains("the last record (package-y) does not end with a blank line; apko ignores it");
    // the SBOM covers the base's packages and the new one
    assertThat(Files.readString(dir.resolve("sboms/sbom-x86_64.spdx.json")))
        .contains("\"name\": \"pretend-baselayout\"", "\"name\": \"package-x\"", "\"name\": \"replayout\"");
  }

  @Test
  void buildWithoutALockFileLocksOnTheBaseAndGivesTheSameImage() throws Exception {
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Path unlocked = Files.createDirectory(dir.resolve("unlocked"));

    CliRun a = run("build", "--lockfile", LOCK, CONFIG, "golden_top:latest", locked.toString(), "--cache-dir", cache());
    CliRun b = run("build", CONFIG, "golden_top:latest", unlocked.toString(), "--cache-dir", cache());

    assertThat(b.exit()).as(b.err()).isZero();
    assertThat(b.out()).isEqualTo(a.out());
    assertLikeApkosTopImage(unlocked);
  }

  @Test
  void lockLeavesOutWhatTheBaseHasAndWritesApkosLock() throws Exception {
    Path out = dir.resolve("top.lock.json");

    CliRun r = run("lock", CONFIG, "--output", out.toString(), "--cache-dir", cache());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(Fixtures.apkoCli().resolve(LOCK)));
  }

  @Test
  void showPackagesListsTheBasePackagesWithTheNewOnes() {
    CliRun r = run("show-packages", CONFIG, "--arch", "arm64", "--cache-dir", cache(), "--format", "name-version-source");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines())
        .containsExactly(
            "pretend-baselayout 1.0.0-r0 ./testdata/packages/aarch64/pretend-baselayout-1.0.0-r0.apk",
            "package-x 1.0.0-r0 ./testdata/base_image/metadata/aarch64/package-x-1.0.0-r0.apk",
            "replayout 1.0.0-r0 ./testdata/packages/aarch64/replayout-1.0.0-r0.apk");
  }

  @Test
  void showConfigPrintsTheBaseImage() {
    CliRun r = run("show-config", CONFIG);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("  baseimage:\n    image: ./testdata/base_image/\n    apkindex: ./testdata/base_image/metadata/\n");
  }

  @Test
  void minirootfsIsTheTopLayer() throws Exception {
    Path rootfs = dir.resolve("top.tar.gz");

    CliRun r = run("build-minirootfs", "--lockfile", LOCK, CONFIG, rootfs.toString(), "--arch", "arm64",
        "--cache-dir", cache());

    assertThat(r.exit()).as(r.err()).isZero();
    String diffId = json(GOLDEN, manifest(GOLDEN, "arm64").at("/config/digest").asText()).at("/rootfs/diff_ids/1").asText();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(rootfs))) {
      assertThat(Digest.of(in.readAllBytes()).toString()).isEqualTo(diffId);
    }
  }

  @Test
  void aTamperedBaseLayerIsRefusedAndNothingIsWritten() throws Exception {
    Path work = copyFixtures();
    Path golden = work.resolve("testdata/base_image/blobs/sha256/583625b6164fff3b017f62b9fcd60cb53fff18a7e89ee538212134a13fc29fb1");
    byte[] bytes = Files.readAllBytes(golden);
    bytes[bytes.length / 2] ^= 1;
    Files.write(golden, bytes);
    Path layout = Files.createDirectory(dir.resolve("layout"));

    CliRun r = run(work, "build", "--lockfile", LOCK, CONFIG, "top:latest", layout.toString(), "--arch", "arm64",
        "--cache-dir", cache());

    assertThat(r.exit()).as(r.err()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("base image ./testdata/base_image/ layer sha256:583625b6");
    try (var left = Files.list(layout)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aBaseLayerExpandingPastTheImageSizeLimitIsRefused() throws Exception {
    Path layout = Files.createDirectory(dir.resolve("layout"));

    CliRun r = run("build", "--lockfile", LOCK, CONFIG, "top:latest", layout.toString(), "--arch", "amd64",
        "--cache-dir", cache(), "--max-image-size", "4000");

    assertThat(r.exit()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("expands past the image size limit (--max-image-size)");
    try (var left = Files.list(layout)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aMissingBaseImageIsBadInput() throws Exception {
    Path work = copyFixtures();
    Files.delete(work.resolve("testdata/base_image/index.json"));

    CliRun r = run(work, "build", CONFIG, "top:latest", dir.resolve("x.tar").toString(), "--cache-dir", cache());

    assertThat(r.exit()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("is not an OCI image layout (no index.json)");
    assertThat(dir.resolve("x.tar")).doesNotExist();
  }

  @Test
  void aRegistryReferenceIsNotALayoutAndSaysSo() throws Exception {
    Path config = dir.resolve("remote-base.yaml");
    Files.writeString(config, "contents:\n  baseimage:\n    image: cgr.dev/chainguard/static:latest\n"
        + "    apkindex: ./testdata/base_image/metadata/\n  keyring: [./testdata/melange.rsa.pub]\n"
        + "  repositories: [./testdata/packages]\n  packages: [replayout]\n");

    CliRun r = run("build", config.toString(), "top:latest", dir.resolve("x.tar").toString(), "--cache-dir", cache());

    assertThat(r.exit()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("contents.baseimage.image cgr.dev/chainguard/static:latest does not exist",
        "registry references are not supported");
  }

  @Test
  void submitRefusesABaseImageBeforeSendingAnything() {
    CliRun r = run("submit", CONFIG, "--output", dir.resolve("out").toString());

    assertThat(r.exit()).as(r.err()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("contents.baseimage: building on a base image is not supported by submit");
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(dir.resolve("out")).doesNotExist();
  }

  /** A writable copy of apko's CLI test directory (the config, its repository, the base). */
  private Path copyFixtures() throws Exception {
    Path work = dir.resolve("work");
    Path from = Fixtures.apkoCli();
    try (var files = Files.walk(from.resolve("testdata"))) {
      for (Path p : files.toList()) {
        String rel = from.relativize(p).toString();
        if (rel.startsWith("testdata/golden") || rel.startsWith("testdata/top_image")) {
          continue;
        }
        Path target = work.resolve(rel);
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return work;
  }
}
