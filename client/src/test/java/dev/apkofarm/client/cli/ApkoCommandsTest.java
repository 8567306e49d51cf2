package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.apkofarm.core.testing.ApkoGolden;
import dev.apkofarm.core.testing.Fixtures;
import dev.apkofarm.core.testing.TestEnvironment;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands apko has beside build and publish: build-cpio, dot, clean, install-keys; and CycloneDX SBOMs. */
class ApkoCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(ApkoGolden.environment(), args);
  }

  private CliRun inCli(String... args) {
    List<String> all = new ArrayList<>(List.of("-C", Fixtures.apkoCli().toString()));
    all.addAll(List.of(args));
    all.addAll(List.of("--cache-dir", dir.resolve("cache").toString()));
    return run(all.toArray(String[]::new));
  }

  @Test
  void buildCpioWritesTheSameNewcArchiveTwiceAndGzipsOnDotGz() throws Exception {
    Path a = dir.resolve("a.cpio");
    Path b = dir.resolve("b.cpio");
    Path gz = dir.resolve("c.cpio.gz");

    CliRun r = inCli("build-cpio", ApkoGolden.CONFIG, a.toString(), "--arch", "arm64");
    inCli("build-cpio", ApkoGolden.CONFIG, b.toString(), "--arch", "arm64");
    inCli("build-cpio", ApkoGolden.CONFIG, gz.toString(), "--arch", "arm64");

    assertThat(r.exit()).as(r.err()).isZero();
    byte[] cpio = Files.readAllBytes(a);
    assertThat(Files.readAllBytes(b)).isEqualTo(cpio);
    String text = new String(cpio, StandardCharsets.ISO_8859_1);
    assertThat(text).startsWith("070701").contains("etc/os-release", "dev/null", "TRAILER!!!");
    assertThat(cpio.length % 512).isZero();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      assertThat(in.readAllBytes()).isEqualTo(cpio);
    }
  }

  @Test
  void dotPrintsTheResolvedGraphAndRendersAPng() throws Exception {
    CliRun r = inCli("dot", ApkoGolden.CONFIG);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("digraph images {\n")
        .contains("\"" + ApkoGolden.CONFIG + "\" -> \"replayout\";", "\"replayout\" [label=\"replayout-1.0.0-r0\"",
            "\"replayout\" -> \"pretend-baselayout\";");
    if (Graphviz.find().isEmpty()) {
      throw TestEnvironment.missing("Graphviz dot is not installed (Debian: graphviz; scripts/test installs it)");
    }
    Path png = dir.resolve("graph.png");
    CliRun p = inCli("dot", ApkoGolden.CONFIG, "--png", png.toString());
    assertThat(p.exit()).as(p.err()).isZero();
    byte[] bytes = Files.readAllBytes(png);
    assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  @Test
  void cleanReportsTheCacheAndRemovesItUnlessDryRun() throws Exception {
    Path cache = dir.resolve("cache");
    Files.createDirectories(cache.resolve("packages"));
    Files.write(cache.resolve("packages/x"), new byte[2048]);

    CliRun dry = run("clean", "--cache-dir", cache.toString(), "--dry-run");
    assertThat(dry.exit()).isZero();
    assertThat(dry.err()).contains("2.0 KB", "dry run");
    assertThat(cache.resolve("packages/x")).exists();

    CliRun real = run("clean", "--cache-dir", cache.toString());
    assertThat(real.exit()).isZero();
    assertThat(cache).doesNotExist();
    assertThat(run("clean", "--cache-dir", cache.toString()).err()).contains("does not exist, nothing to clean");
  }

  @Test
  void cycloneDxSbomsValidateAgainstTheSchema() throws Exception {
    Path layout = Files.createDirectory(dir.resolve("layout"));
    Path sboms = dir.resolve("sboms");

    CliRun r = inCli("build", ApkoGolden.CONFIG, "golden:latest", layout.toString(), "--sbom-path", sboms.toString(),
        "--sbom-formats", "spdx,cyclonedx");

    assertThat(r.exit()).as(r.err()).isZero();
    for (String f : List.of("sbom-x86_64.cdx.json", "sbom-aarch64.cdx.json", "sbom-index.cdx.json")) {
      byte[] doc = Files.readAllBytes(sboms.resolve(f));
      assertThat(new JsonParser().validate(doc, CycloneDx.VERSION)).as(f).isEmpty();
    }
    JsonNode amd64 = JSON.readTree(sboms.resolve("sbom-x86_64.cdx.json").toFile());
    assertThat(amd64.at("/components").findValuesAsText("purl"))
        .contains("pkg:apk/replayout@1.0.0-r0?arch=x86_64", "pkg:apk/pretend-baselayout@1.0.0-r0?arch=x86_64");
    assertThat(sboms.resolve("sbom-x86_64.spdx.json")).exists();
    assertThat(inCli("build", ApkoGolden.CONFIG, "g:1", layout.toString(), "--sbom-formats", "swid").err())
        .contains("--sbom-formats \"swid\": expected spdx or cyclonedx");
  }

  @Test
  void installKeysWritesTheKeysOfTheSystemsRepositories() throws Exception {
    Path melange = Fixtures.apkoCli().resolve("testdata/melange.rsa.pub");
    RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(
        Base64.getMimeDecoder().decode(Files.readString(melange).replaceAll("-----[A-Z ]+-----", ""))));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/", ex -> {
      String body =
          switch (ex.getRequestURI().getPath()) {
            case "/repo/apk-configuration" -> "{\"jwks_uri\":\"" + base + "/jwks\"}";
            case "/jwks" -> "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"melange\",\"n\":\"" + b64(key.getModulus())
                + "\",\"e\":\"" + b64(key.getPublicExponent()) + "\"}]}";
            default -> null;
          };
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    try {
      Path root = dir.resolve("root");
      Files.createDirectories(root.resolve("etc/apk"));
      Files.writeString(root.resolve("etc/apk/repositories"), "# comment\n" + base + "/repo\n" + base + "/none\n");

      CliRun r = run("install-keys", "--root", root.toString());

      assertThat(r.exit()).as(r.err()).isZero();
      Path written = root.resolve("etc/apk/keys/melange.rsa.pub");
      assertThat(written).exists();
      assertThat(Files.readString(written)).isEqualTo(Files.readString(melange));
      assertThat(r.err()).contains("1 keys installed");
    } finally {
      server.stop(0);
    }
  }

  private static String b64(BigInteger n) {
    byte[] b = n.toByteArray();
    if (b[0] == 0) {
      b = java.util.Arrays.copyOfRange(b, 1, b.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
