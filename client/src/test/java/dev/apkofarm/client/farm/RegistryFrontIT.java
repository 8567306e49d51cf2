package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.client.examples.ExampleRepository;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry front on a real farm (core's engines, a Hazelcast member, a worker): pulls of {@code latest} build
 * once and are then answered from the farm's results, every blob is served by digest with ranges and HEAD, 20
 * concurrent pulls of a new config share one build, a repository change gives a new digest while the old image stays
 * pinned, ad hoc names append packages, a failing build is an error body with its message, and hostile names are
 * refused with a registry error.
 */
class RegistryFrontIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir static Path tmp;
  private static Path configs;
  private static FrontFarm farm;

  @BeforeAll
  static void start() throws Exception {
    ExampleTree.copy(tmp); // tmp/examples: the configs and their repository, relative to tmp
    configs = tmp.resolve("examples");
    farm = FrontFarm.start(tmp.resolve("data"),
        FrontFarm.front(tmp, configs, Transport.Security.plaintextLoopback(), true), Duration.ofHours(1));
  }

  @AfterAll
  static void stop() {
    if (farm != null) {
      farm.close();
    }
  }

  private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return send("GET", path, headers);
  }

  private static HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(farm.base("http") + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(3));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String digestHeader(HttpResponse<?> r) {
    return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
  }

  /** The config blob or layer digests of one arch's manifest. */
  private static JsonNode manifestOf(String name, JsonNode index, String arch) throws Exception {
    for (JsonNode m : index.path("manifests")) {
      if (m.path("platform").path("architecture").asText().equals(arch)) {
        HttpResponse<byte[]> r = get("/v2/" + name + "/manifests/" + m.path("digest").asText());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Digest.of(r.body()).toString()).isEqualTo(m.path("digest").asText()).isEqualTo(digestHeader(r));
        return JSON.readTree(r.body());
      }
    }
    throw new AssertionError("no " + arch + " manifest in " + index);
  }

  /** The uncompressed bytes of every layer of one arch. */
  private static String layerText(String name, String tag, String arch) throws Exception {
    JsonNode index = JSON.readTree(get("/v2/" + name + "/manifests/" + tag).body());
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (JsonNode layer : manifestOf(name, index, arch).path("layers")) {
      HttpResponse<byte[]> r = get("/v2/" + name + "/blobs/" + layer.path("digest").asText());
      assertThat(r.statusCode()).isEqualTo(200);
      try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))) {
        in.transferTo(all);
      }
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void pullingLatestBuildsOnceAndServesTheIndexEveryManifestAndBlobByDigest() throws Exception {
    HttpResponse<byte[]> first = get("/v2/multi-arch/manifests/latest");
    assertThat(first.statusCode()).as(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).hasValue("application/vnd.oci.image.index.v1+json");
    assertThat(digestHeader(first)).isEqualTo(Digest.of(first.body()).toString());
    JsonNode index = JSON.readTree(first.body());
    assertThat(index.path("manifests")).extracting(m -> m.path("platform").path("architecture").asText())
        .containsExactly("amd64", "arm64");

    JsonNode manifest = manifestOf("multi-arch", index, "arm64");
    String config = manifest.path("config").path("digest").asText();
    HttpResponse<byte[]> configBlob = get("/v2/multi-arch/blobs/" + config);
    assertThat(Digest.of(configBlob.body()).toString()).isEqualTo(config);
    assertThat(JSON.readTree(configBlob.body()).path("architecture").asText()).isEqualTo("arm64");

    String layer = manifest.path("layers").get(0).path("digest").asText();
    byte[] whole = get("/v2/multi-arch/blobs/" + layer).body();
    assertThat(Digest.of(whole).toString()).isEqualTo(layer);
    HttpResponse<byte[]> range = get("/v2/multi-arch/blobs/" + layer, "Range", "bytes=10-19");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 10-19/" + whole.length);
    assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, 10, 20));
    assertThat(get("/v2/multi-arch/blobs/" + layer, "Range", "bytes=-5").body())
        .isEqualTo(java.util.Arrays.copyOfRange(whole, whole.length - 5, whole.length));
    HttpResponse<byte[]> past = get("/v2/multi-arch/blobs/" + layer, "Range", "bytes=" + whole.length + "-");
    assertThat(past.statusCode()).isEqualTo(416);
    assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */" + whole.length);
    HttpResponse<byte[]> head = send("HEAD", "/v2/multi-arch/blobs/" + layer);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(whole.length));
    assertThat(digestHeader(head)).isEqualTo(layer);
    assertThat(head.body()).isEmpty();

    HttpResponse<byte[]> second = get("/v2/multi-arch/manifests/latest");
    assertThat(digestHeader(second)).isEqualTo(digestHeader(first));
    assertThat(farm.jobsLabelled("registry pull multi-arch:latest")).as("one job: the second pull built nothing")
        .hasSize(1);
    assertThat(get("/v2/multi-arch/blobs/sha256:" + "0".repeat(64)).statusCode()).isEqualTo(404);
    assertThat(get("/v2/accounts/blobs/" + layer).statusCode()).as("a blob of another name").isEqualTo(404);
  }

  @Test
  void twentyConcurrentPullsOfANewConfigGiveOneBuild() throws Exception {
    Files.writeString(configs.resolve("crowd.yaml"), """
        contents:
          keyring: [examples/repository/apko-farm-example.rsa.pub]
          repositories: [examples/repository]
          packages: [example-hello, example-locale]
        environment:
          CROWD: "20"
        archs: [amd64, arm64]
        """);
    double builds = farm.metric("apkofarm_registry_builds_triggered_total");
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<byte[]>>> pulls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        pulls.add(pool.submit(() -> {
          go.await();
          return get("/v2/crowd/manifests/latest");
        }));
      }
      go.countDown();
      List<String> digests = new ArrayList<>();
      for (Future<HttpResponse<byte[]>> p : pulls) {
        HttpResponse<byte[]> r = p.get(3, TimeUnit.MINUTES);
        assertThat(r.statusCode()).isEqualTo(200);
        digests.add(digestHeader(r));
      }
      assertThat(digests).hasSize(20).containsOnly(digests.get(0));
    } finally {
      pool.shutdownNow();
    }
    assertThat(farm.jobsLabelled("registry pull crowd:latest")).hasSize(1);
    assertThat(farm.metric("apkofarm_registry_builds_triggered_total") - builds).isEqualTo(1);
  }

  @Test
  void aNewPackageVersionGivesANewDigestWithItAndTheOldImageStaysPinned() throws Exception {
    Path examples = ExampleTree.copy(Files.createDirectories(tmp.resolve("versioned")));
    Files.writeString(configs.resolve("versions.yaml"), """
        contents:
          keyring: [versioned/examples/repository/apko-farm-example.rsa.pub]
          repositories: [versioned/examples/repository]
          packages: [example-hello]
        entrypoint:
          command: /usr/bin/hello
        archs: [amd64, arm64]
        """);
    HttpResponse<byte[]> before = get("/v2/versions/manifests/latest");
    assertThat(before.statusCode()).isEqualTo(200);
    String pin = "sha256-" + Digest.parse(before.headers().firstValue("Apko-Farm-Lock-Digest").orElseThrow()).hex();
    double hits = farm.metric("apkofarm_registry_build_key_hits_total");
    assertThat(digestHeader(get("/v2/versions/manifests/latest"))).isEqualTo(digestHeader(before));
    assertThat(farm.metric("apkofarm_registry_build_key_hits_total") - hits).isEqualTo(1);

    Path properties = examples.resolve("packages/example-hello/package.properties");
    Files.writeString(properties, Files.readString(properties).replace("version=1.3.0-r0", "version=1.4.0-r0"));
    ExampleRepository.write(examples); // the new version, the index signed again

    HttpResponse<byte[]> after = get("/v2/versions/manifests/latest");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(digestHeader(after)).isNotEqualTo(digestHeader(before));
    assertThat(layerText("versions", "latest", "amd64")).contains("P:example-hello\nV:1.4.0-r0\n");
    HttpResponse<byte[]> pinned = get("/v2/versions/manifests/" + pin);
    assertThat(digestHeader(pinned)).as("the pin still names the first image").isEqualTo(digestHeader(before));
    assertThat(layerText("versions", pin, "arm64")).contains("P:example-hello\nV:1.3.0-r0\n");
    JsonNode tags = JSON.readTree(get("/v2/versions/tags/list").body());
    assertThat(tags.path("tags")).extracting(JsonNode::asText).hasSize(3).contains("latest", pin);
    assertThat(get("/v2/versions/manifests/sha256-" + "1".repeat(64)).statusCode()).isEqualTo(404);
  }

  @Test
  void anAdHocNameAppendsItsPackagesInAnyOrderAsOneImage() throws Exception {
    HttpResponse<byte[]> base = get("/v2/environment/manifests/latest");
    HttpResponse<byte[]> docs = get("/v2/environment/example-docs/example-locale/manifests/latest");
    assertThat(docs.statusCode()).as(new String(docs.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(digestHeader(docs)).isNotEqualTo(digestHeader(base));
    HttpResponse<byte[]> reordered = get("/v2/environment/example-locale/example-docs/example-locale/manifests/latest");
    assertThat(digestHeader(reordered)).isEqualTo(digestHeader(docs));
    assertThat(reordered.headers().firstValue("Apko-Farm-Lock-Digest"))
        .isEqualTo(docs.headers().firstValue("Apko-Farm-Lock-Digest"));
    assertThat(layerText("environment/example-docs/example-locale", "latest", "arm64"))
        .contains("usr/share/doc/example/README", "P:example-docs\n", "P:example-locale\n");

    HttpResponse<byte[]> tooMany = get("/v2/environment/a/b/c/d/manifests/latest");
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(errorOf(tooMany)).contains("NAME_INVALID").contains("at most 3 packages");
    HttpResponse<byte[]> unknown = get("/v2/environment/no-such-package/manifests/latest");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(errorOf(unknown)).contains("MANIFEST_UNKNOWN").contains("no-such-package");
  }

  @Test
  void aBuildThatFailsIsAnErrorBodyWithTheBuildsMessage() throws Exception {
    // A version of its own, so no cache of the farm has a good copy of the package under its checksum.
    Path examples = ExampleTree.copy(Files.createDirectories(tmp.resolve("broken")));
    Path properties = examples.resolve("packages/example-hello/package.properties");
    Files.writeString(properties, Files.readString(properties).replace("version=1.3.0-r0", "version=1.3.0-r9"));
    ExampleRepository.write(examples);
    Path apk;
    try (var s = Files.list(examples.resolve("repository/aarch64"))) {
      apk = s.filter(p -> p.getFileName().toString().startsWith("example-hello-")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(apk);
    bytes[bytes.length - 40] ^= 0x10; // inside the data section: the index still lists it, the build refuses it
    Files.write(apk, bytes);
    Files.writeString(configs.resolve("broken.yaml"), """
        contents:
          keyring: [broken/examples/repository/apko-farm-example.rsa.pub]
          repositories: [broken/examples/repository]
          packages: [example-hello]
        archs: [amd64, arm64]
        """);

    HttpResponse<byte[]> r = get("/v2/broken/manifests/latest");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(errorOf(r)).contains("MANIFEST_UNKNOWN", "the build failed", "example-hello");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("Exception", "\tat ");
  }

  @Test
  void hostileNamesGetARegistryErrorAndNothingElse() throws Exception {
    for (String path : List.of("/v2/../../etc/passwd/manifests/latest", "/v2/%2e%2e/etc/manifests/latest",
        "/v2/examples/..%2f..%2fetc/manifests/latest", "/v2/Accounts/manifests/latest",
        "/v2/accounts/UPPER/manifests/latest", "/v2/accounts/manifests/not:a:digest", "/v2/accounts/manifests/-x",
        "/v2/nosuch/manifests/latest", "/v2/accounts/blobs/sha256:abc", "/v2/" + "a/".repeat(600) + "manifests/x",
        "/v2/accounts/blobs/uploads/", "/etc/passwd", "/v2/accounts/manifests/v1")) {
      HttpResponse<byte[]> r = get(path);
      String body = new String(r.body(), StandardCharsets.UTF_8);
      assertThat(r.statusCode()).as(path).isBetween(400, 499);
      assertThat(JSON.readTree(body).path("errors").get(0).path("code").asText()).as(path).isNotEmpty();
      assertThat(body).as(path).doesNotContain("root:", "Exception", "\tat ", tmp.toString());
    }
    for (String method : List.of("PUT", "POST", "DELETE", "PATCH")) {
      HttpResponse<byte[]> r = send(method, "/v2/accounts/manifests/latest");
      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(errorOf(r)).contains("UNSUPPORTED");
    }
    assertThat(JSON.readTree(get("/v2/_catalog").body()).path("repositories")).extracting(JsonNode::asText)
        .contains("accounts", "multi-arch").doesNotContain("README");
  }

  @Test
  void aTlsHandshakeOnThePlainPortIsClosedAtOnceSoClientsFallBackToHttp() throws Exception {
    try (Socket s = new Socket("127.0.0.1", farm.coordinator.registryPort())) {
      s.setSoTimeout(30_000); // a failure deadline: the server answers a handshake by closing, at once
      OutputStream out = s.getOutputStream();
      out.write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00});
      out.flush();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  private static String errorOf(HttpResponse<byte[]> r) throws IOException {
    JsonNode e = JSON.readTree(r.body()).path("errors").get(0);
    return e.path("code").asText() + ": " + e.path("message").asText();
  }
}
