package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.testing.ApkoGolden;
import dev.apkofarm.core.testing.Fixtures;
import dev.apkofarm.core.testing.LocalRegistry;
import dev.apkofarm.core.testing.Skopeo;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apko-client publish} of apko's golden config to a real registry (Debian's docker-registry on 127.0.0.1,
 * its access log read back to count requests), checked with skopeo.
 */
class PublishCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  private static LocalRegistry registry;

  @TempDir Path dir;
  private Path cli;
  private StringWriter out;
  private StringWriter err;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = LocalRegistry.builder().accessLog().start(shared.resolve("registry"));
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void setUp() {
    cli = Fixtures.apkoCli();
  }

  private int publishGolden(String... refsAndOptions) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-C", cli.toString(), "publish", ApkoGolden.CONFIG,
                "--arch", "amd64,arm64",
                "--cache-dir", shared.resolve("cache").toString()));
    args.addAll(ApkoGolden.annotationArgs());
    args.addAll(List.of(refsAndOptions));
    out = new StringWriter();
    err = new StringWriter();
    return ApkoClientCommand.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true), ApkoGolden.environment())
        .execute(args.toArray(String[]::new));
  }

  /** The index digest from the printed {@code repository@sha256:...}, checked to name {@code repository}. */
  private Digest printedDigest(String repository) {
    String printed = out.toString().trim();
    assertThat(printed).startsWith(repository + "@sha256:");
    return Digest.parse(printed.substring(repository.length() + 1));
  }

  private List<LocalRegistry.Request> requestsDuring(Runnable publish) throws Exception {
    int before = registry.requests().size();
    publish.run();
    List<LocalRegistry.Request> all = registry.requests();
    return all.subList(before, all.size());
  }

  @Test
  void publishesApkosGoldenImageAsATwoPlatformIndexThatSkopeoCopies() throws Exception {
    String repository = registry.host() + "/apkofarm/golden";
    Path refsFile = dir.resolve("image-refs.txt");

    int rc = publishGolden(repository + ":latest", "--image-refs", refsFile.toString());

    assertThat(rc).as(err.toString()).isZero();
    Digest index = printedDigest(repository);
    String raw = Skopeo.plain().inspectRaw(repository + ":latest");
    assertThat(Digest.of(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(index);
    JsonNode json = JSON.readTree(raw);
    assertThat(json.path("mediaType").asText()).isEqualTo(MediaType.OCI_INDEX);
    List<String> platforms = new ArrayList<>();
    List<String> manifests = new ArrayList<>();
    json.path("manifests").forEach(m -> {
      platforms.add(m.at("/platform/os").asText() + "/" + m.at("/platform/architecture").asText());
      manifests.add(m.path("digest").asText());
    });
    assertThat(platforms).containsExactly("linux/amd64", "linux/arm64");
    assertThat(Files.readAllLines(refsFile))
        .containsExactly(repository + "@" + manifests.get(0), repository + "@" + manifests.get(1),
            repository + "@" + index);

    for (String[] arch : new String[][] {{"amd64", ApkoGolden.AMD64_DIFF_ID}, {"arm64", ApkoGolden.ARM64_DIFF_ID}}) {
      Path copy = dir.resolve("copy-" + arch[0]);
      Skopeo.plain().copyPlatform(repository + ":latest", arch[0], copy).ok();
      JsonNode manifest = JSON.readTree(copy.resolve("manifest.json").toFile());
      JsonNode config = JSON.readTree(copy.resolve(hex(manifest.at("/config/digest").asText())).toFile());
      assertThat(config.path("architecture").asText()).isEqualTo(arch[0]);
      assertThat(config.at("/rootfs/diff_ids/0").asText()).isEqualTo(arch[1]);
      try (InputStream layer =
          new GZIPInputStream(Files.newInputStream(copy.resolve(hex(manifest.at("/layers/0/digest").asText()))))) {
        assertThat(Digest.of(layer.readAllBytes()).toString()).as("the layer skopeo copied").isEqualTo(arch[1]);
      }
    }

    // distribution 2.8.2 has no referrers API: the SBOM is found through the fallback tag sha256-<manifest hex>
    String referrers = Skopeo.plain().inspectRaw(repository + ":sha256-" + hex(manifests.get(1)));
    assertThat(JSON.readTree(referrers).path("manifests")).extracting(m -> m.path("artifactType").asText())
        .containsExactly(MediaType.SPDX_JSON);
  }

  @Test
  void publishingAgainIsUnchangedAndAForcedPushUploadsNoBlob() throws Exception {
    String repository = registry.host() + "/apkofarm/again";
    assertThat(publishGolden(repository + ":v1")).as(err.toString()).isZero();
    Digest first = printedDigest(repository);
    assertThat(err.toString()).doesNotContain("unchanged");

    List<LocalRegistry.Request> again =
        requestsDuring(() -> assertThat(publishGolden(repository + ":v1", repository + ":v2")).as(err.toString())
            .isZero());

    assertThat(printedDigest(repository)).isEqualTo(first);
    assertThat(err.toString()).contains("unchanged: " + repository + "@" + first).doesNotContain("built sha256:");
    assertThat(again).as("no blob is looked at or uploaded when nothing changed")
        .noneMatch(r -> r.onBlob() || r.upload());
    assertThat(again).filteredOn(r -> r.method().equals("PUT")).extracting(LocalRegistry.Request::path)
        .as("only the new tag is written").containsExactly("/v2/apkofarm/again/manifests/v2");
    assertThat(Digest.of(Skopeo.plain().inspectRaw(repository + ":v2").getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(first);

    List<LocalRegistry.Request> forced =
        requestsDuring(() -> assertThat(publishGolden(repository + ":v1", "--force")).as(err.toString()).isZero());

    assertThat(printedDigest(repository)).isEqualTo(first);
    assertThat(err.toString()).contains("built " + first).doesNotContain("unchanged");
    assertThat(forced).noneMatch(LocalRegistry.Request::upload);
    assertThat(forced).noneMatch(r -> !r.method().equals("GET") && !r.method().equals("HEAD"));
    List<LocalRegistry.Request> blobHeads =
        forced.stream().filter(r -> r.onBlob() && r.method().equals("HEAD")).toList();
    // 2 configs + 2 layers + the artifacts' empty config + 3 SBOMs, every one already there
    assertThat(blobHeads).hasSize(8).allMatch(r -> r.status() == 200);
    Matcher reported = Pattern.compile("0 blobs uploaded \\(0 bytes\\), (\\d+) already there").matcher(err.toString());
    assertThat(reported.find()).as(err.toString()).isTrue();
    assertThat(Integer.parseInt(reported.group(1))).isEqualTo(blobHeads.size());
  }

  private static String hex(String digest) {
    return Digest.parse(digest).hex();
  }
}
