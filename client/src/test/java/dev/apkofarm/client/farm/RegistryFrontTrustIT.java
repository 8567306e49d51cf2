package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.cluster.security.BearerToken;
import dev.apkofarm.cluster.security.TlsFiles;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.testing.Await;
import dev.apkofarm.core.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front with the farm's trust: HTTPS with the farm's certificate, the token as a bearer token or basic password,
 * no anonymous pulls; and with a retention of zero, pins and digests of a build the farm no longer retains are not
 * served, while {@code latest} builds the same image again.
 */
class RegistryFrontTrustIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "front-s3cret";

  @TempDir static Path tmp;
  private static FrontFarm farm;
  private static HttpClient https;

  @BeforeAll
  static void start() throws Exception {
    ExampleTree.copy(tmp);
    TestCertificates certs = TestCertificates.generate(Files.createDirectories(tmp.resolve("certs")));
    Transport.Security security = new Transport.Security(
        Optional.of(new TlsFiles(certs.serverCertificate(), certs.serverKey(), null, false)), false,
        Optional.of(BearerToken.of(TOKEN)));
    farm = FrontFarm.start(tmp.resolve("data"), FrontFarm.front(tmp, tmp.resolve("examples"), security, false),
        Duration.ZERO);
    https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trusting(certs.caCertificate()))
        .build();
  }

  @AfterAll
  static void stop() {
    if (farm != null) {
      farm.close();
    }
  }

  private static SSLContext trusting(Path ca) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(ca)) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static HttpResponse<byte[]> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(farm.base("https") + path)).timeout(Duration.ofMinutes(3));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return https.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void pullsNeedTheFarmsTokenAsABearerTokenOrABasicPassword() throws Exception {
    HttpResponse<byte[]> anonymous = get("/v2/", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"apko-farm\"");
    assertThat(JSON.readTree(anonymous.body()).path("errors").get(0).path("code").asText()).isEqualTo("UNAUTHORIZED");
    assertThat(get("/v2/accounts/manifests/latest", null).statusCode()).as("nothing before the credentials")
        .isEqualTo(401);
    assertThat(get("/v2/", "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(get("/v2/", basic("docker", "wrong")).statusCode()).isEqualTo(401);
    assertThat(get("/v2/", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    assertThat(get("/v2/_catalog", basic("docker", TOKEN)).statusCode()).isEqualTo(200);
  }

  @Test
  void plainHttpIsNotServedOnTheTlsPort() {
    HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(farm.base("http") + "/v2/"))
        .timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofByteArray()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void pinsAndDigestsOfABuildNoLongerRetainedAreNotServedButLatestBuildsTheSameImageAgain() throws Exception {
    String auth = "Bearer " + TOKEN;
    HttpResponse<byte[]> first = get("/v2/accounts/manifests/latest", auth);
    assertThat(first.statusCode()).as(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    String index = first.headers().firstValue("Docker-Content-Digest").orElseThrow();
    String pin = "sha256-" + Digest.parse(first.headers().firstValue("Apko-Farm-Lock-Digest").orElseThrow()).hex();
    String manifest = JSON.readTree(first.body()).path("manifests").get(0).path("digest").asText();
    double builds = farm.metric("apkofarm_registry_builds_triggered_total");

    // A retention of zero: the job, and the results only it used, go at the scheduler's next tick.
    Await.until(Duration.ofMinutes(1), "the job of the pull removed at its retention",
        () -> call(() -> farm.jobsLabelled("registry pull accounts:latest").isEmpty()));

    HttpResponse<byte[]> pinned = get("/v2/accounts/manifests/" + pin, auth);
    assertThat(pinned.statusCode()).isEqualTo(404);
    assertThat(new String(pinned.body(), StandardCharsets.UTF_8)).contains("no longer retained");
    assertThat(get("/v2/accounts/manifests/" + manifest, auth).statusCode()).isEqualTo(404);
    JsonNode tags = JSON.readTree(get("/v2/accounts/tags/list", auth).body()).path("tags");
    assertThat(tags).extracting(JsonNode::asText).containsExactly("latest");

    HttpResponse<byte[]> again = get("/v2/accounts/manifests/latest", auth);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.headers().firstValue("Docker-Content-Digest")).as("built again, reproducibly").hasValue(index);
    assertThat(farm.metric("apkofarm_registry_builds_triggered_total") - builds).isEqualTo(1);
  }

  private interface Check {
    boolean get() throws Exception;
  }

  private static boolean call(Check c) {
    try {
      return c.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
