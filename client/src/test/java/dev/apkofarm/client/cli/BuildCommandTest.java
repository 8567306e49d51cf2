package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.testing.ApkoGolden;
import dev.apkofarm.core.testing.Fixtures;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apko's golden build through the CLI, plus the tarball, lock file and minirootfs paths. */
class BuildCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private StringWriter out;
  private StringWriter err;
  private Path cli;

  @BeforeEach
  void setUp() {
    cli = Fixtures.apkoCli();
  }

  private int run(String... args) {
    return runWith(ApkoGolden.environment(), args);
  }

  private int runWith(Map<String, String> environment, String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return ApkoClientCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), environment, null, args);
  }

  private int buildGolden(Path output, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-C", cli.toString(), "build", ApkoGolden.CONFIG, ApkoGolden.REFERENCE, output.toString(),
                "--arch", "amd64,arm64",
                "--cache-dir", dir.resolve("cache").toString(),
                "--sbom-path", dir.resolve("sboms").toString()));
    args.addAll(ApkoGolden.annotationArgs());
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  private static JsonNode blob(Path layout, String digest) throws Exception {
    return JSON.readTree(layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())).toFile());
  }

  @Test
  void buildsApkosGoldenImageIntoAnOciLayout() throws Exception {
    Path layout = Files.createDirectory(dir.resolve("layout"));

    int rc = buildGolden(layout);

    assertThat(rc).as(err.toString()).isZero();
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    assertThat(out.toString().trim()).isEqualTo(Digest.of(Files.readAllBytes(layout.resolve("index.json"))).toString());
    assertThat(index.at("/annotations/org.opencontainers.image.created").asText()).isEqualTo("1970-01-01T00:00:00Z");
    JsonNode amd64 = index.at("/manifests/0");
    JsonNode arm64 = index.at("/manifests/1");
    assertThat(amd64.at("/platform/architecture").asText()).isEqualTo("amd64");
    String amd64Config = blob(layout, amd64.get("digest").asText()).at("/config/digest").asText();
    String arm64Config = blob(layout, arm64.get("digest").asText()).at("/config/digest").asText();
    assertThat(amd64Config).isEqualTo(ApkoGolden.AMD64_CONFIG);
    assertThat(arm64Config).isEqualTo(ApkoGolden.ARM64_CONFIG);
    assertThat(blob(layout, amd64Config).at("/rootfs/diff_ids/0").asText()).isEqualTo(ApkoGolden.AMD64_DIFF_ID);
    assertThat(blob(layout, arm64Config).at("/rootfs/diff_ids/0").asText()).isEqualTo(ApkoGolden.ARM64_DIFF_ID);
    try (var blobs = Files.list(layout.resolve("blobs/sha256"))) {
      assertThat(blobs.count()).isEqualTo(6); // 2 manifests, 2 configs, 2 layers: like apko's golden layout
    }
    assertThat(dir.resolve("sboms/sbom-x86_64.spdx.json")).exists();
    assertThat(dir.resolve("sboms/sbom-aarch64.spdx.json")).exists();
    assertThat(Files.readString(dir.resolve("sboms/sbom-index.spdx.json"))).contains("Tool: apko-farm");
    try (var left = Files.list(layout)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("blobs", "index.json", "oci-layout");
    }
  }

  @Test
  void writesTheSameDockerTarballTwiceAndFromTheLockFile() throws Exception {
    Path first = dir.resolve("golden.tar");
    Path second = dir.resolve("again.tar");
    Path locked = dir.resolve("locked.tar");

    assertThat(buildGolden(first)).as(err.toString()).isZero();
    assertThat(buildGolden(second)).as(err.toString()).isZero();
    assertThat(buildGolden(locked, "--lockfile", "testdata/apko.lock.json")).as(err.toString()).isZero();

    byte[] bytes = Files.readAllBytes(first);
    assertThat(Files.readAllBytes(second)).isEqualTo(bytes);
    assertThat(Files.readAllBytes(locked)).isEqualTo(bytes);
    assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains("manifest.json")
        .contains("\"RepoTags\":[\"golden:latest")
        .contains("golden:latest-a");
  }

  /** The annotations are part of /etc/apko.json, so they are given to get the golden layer. */
  @Test
  void minirootfsIsTheArchsLayer() throws Exception {
    Path rootfs = dir.resolve("rootfs.tar.gz");

    List<String> args =
        new ArrayList<>(
            List.of(
                "-C", cli.toString(), "build-minirootfs", ApkoGolden.CONFIG, rootfs.toString(), "--arch", "arm64",
                "--cache-dir", dir.resolve("cache").toString()));
    args.addAll(ApkoGolden.annotationArgs());
    int rc = run(args.toArray(String[]::new));

    assertThat(rc).as(err.toString()).isZero();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(rootfs))) {
      assertThat(Digest.of(in.readAllBytes()).toString()).isEqualTo(ApkoGolden.ARM64_DIFF_ID);
    }
  }

  @Test
  void sourceDateEpochDatesTheImageAndWinsOverBuildDate() throws Exception {
    Path layout = Files.createDirectory(dir.resolve("dated"));
    Map<String, String> env = new HashMap<>(ApkoGolden.environment());
    env.put("SOURCE_DATE_EPOCH", "1700000000");

    int rc =
        runWith(
            env, "-C", cli.toString(), "build", ApkoGolden.CONFIG, ApkoGolden.REFERENCE, layout.toString(),
            "--arch", "amd64", "--build-date", "2001-02-03T04:05:06Z", "--cache-dir", dir.resolve("cache").toString());

    assertThat(rc).as(err.toString()).isZero();
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    assertThat(index.at("/annotations/org.opencontainers.image.created").asText()).isEqualTo("2023-11-14T22:13:20Z");
    env.put("SOURCE_DATE_EPOCH", "-1");
    assertThat(runWith(env, "-C", cli.toString(), "build", ApkoGolden.CONFIG, "t:1", dir.resolve("x.tar").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("SOURCE_DATE_EPOCH=\"-1\" is not a non-negative number of seconds");
  }

  @Test
  void badInputExitsTwoNamingTheProblem() throws Exception {
    assertThat(buildGolden(dir.resolve("x.tar"), "--annotations", "novalue")).isEqualTo(2);
    assertThat(err.toString()).contains("--annotations \"novalue\": expected KEY:VALUE");
    assertThat(buildGolden(dir.resolve("x.tar"), "--build-date", "yesterday")).isEqualTo(2);
    assertThat(err.toString()).contains("--build-date \"yesterday\"");
    assertThat(run("-C", cli.toString(), "build", "missing.yaml", "t:1", dir.resolve("x.tar").toString())).isEqualTo(2);
    assertThat(dir.resolve("x.tar")).doesNotExist();
  }
}
