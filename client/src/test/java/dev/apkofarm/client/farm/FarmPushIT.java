package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.registry.Credential;
import dev.apkofarm.core.registry.CredentialSource;
import dev.apkofarm.core.registry.ManifestContent;
import dev.apkofarm.core.registry.RegistryClient;
import dev.apkofarm.core.registry.RegistryOptions;
import dev.apkofarm.core.testing.ExternalTools;
import dev.apkofarm.core.testing.LocalRegistry;
import dev.apkofarm.core.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit --push} through a farm of processes (a coordinator and two workers, the real engine) to a registry
 * that wants credentials over TLS from a private CA. Only the daemons have credentials (the docker config their
 * {@code DOCKER_CONFIG} names) and the CA ({@code --ca-cert}); the client has neither. Workers push layers, configs
 * and manifests themselves (the coordinator never holds a layer); the coordinator pushes the index and the tag; a
 * repeat is answered "unchanged" without building. The password is random per run, so finding it in any output is a
 * leak.
 */
class FarmPushIT {
  private static final String USER = "farm";
  private static final String PASSWORD = "pw-" + UUID.randomUUID();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void workersPushLayersWithTheFarmsCredentialsTheCoordinatorTheIndexAndTagAndARepeatIsUnchanged() throws Exception {
    ExampleTree.copy(tmp);
    TestCertificates certs = TestCertificates.generate(Files.createDirectories(tmp.resolve("certs")));
    String ca = certs.caCertificate().toString();
    try (LocalRegistry registry = LocalRegistry.builder().user(USER, PASSWORD).tls(certs).start(tmp.resolve("reg"));
        FarmProcesses farm = new FarmProcesses(tmp, FarmProcesses.Mains.REAL, Map.of(
            "DOCKER_CONFIG", dockerConfig(registry.host()).toString(),
            "HOME", Files.createDirectories(tmp.resolve("daemon-home")).toString()))) {
      FarmProcesses.Daemon coordinator = farm.coordinator("--ca-cert", ca);
      FarmProcesses.Daemon amd64 = farm.worker(coordinator, "w-amd64", "amd64", 1, "--ca-cert", ca);
      FarmProcesses.Daemon arm64 = farm.worker(coordinator, "w-arm64", "arm64", 1, "--ca-cert", ca);
      String prefix = registry.host() + "/farm";

      ExternalTools.Result first = submit(coordinator, prefix);

      assertThat(first.exitCode()).as(first + "\n" + farm.logs()).isZero();
      String out = first.stdout();
      RegistryClient reader = RegistryClient.create(registry.host(), RegistryOptions.builder()
          .credentials(CredentialSource.of(new Credential(USER, PASSWORD), "test")).caCertificate(certs.caCertificate())
          .build());
      for (String image : List.of("multi-arch", "accounts")) {
        String index = digestPrinted(out, image);
        assertThat(out).contains(image + ": pushed " + prefix + "/" + image + ":v1 -> " + index);
        assertThat(out).containsPattern(Pattern.quote(image + "/amd64: pushed to " + prefix + "/" + image + "@"));
        assertThat(out).containsPattern(Pattern.quote(image + "/arm64: pushed to " + prefix + "/" + image + "@"));
        assertThat(reader.manifestDigest("farm/" + image, "v1")).hasValueSatisfying(
            d -> assertThat(d.toString()).isEqualTo(index));
        int manifests = 0;
        int layers = 0;
        for (JsonNode m : json(reader, "farm/" + image, index).path("manifests")) {
          String manifest = m.path("digest").asText();
          manifests++;
          assertThat(stored(manifest)).as("the coordinator got the manifest " + manifest).isTrue();
          for (JsonNode layer : json(reader, "farm/" + image, manifest).path("layers")) {
            layers++;
            assertThat(stored(layer.path("digest").asText())).as("a layer went through the coordinator").isFalse();
          }
        }
        assertThat(manifests).isEqualTo(2);
        assertThat(layers).isPositive();
      }
      assertThat(FarmProcesses.log(amd64) + FarmProcesses.log(arm64))
          .contains("pushed to " + prefix + "/multi-arch", "pushed to " + prefix + "/accounts");

      ExternalTools.Result again = submit(coordinator, prefix);

      assertThat(again.exitCode()).as(again.toString()).isZero();
      assertThat(again.stdout()).contains("multi-arch: unchanged: " + prefix + "/multi-arch:v1 is already "
          + digestPrinted(out, "multi-arch"), "accounts: unchanged: " + prefix + "/accounts:v1 is already "
          + digestPrinted(out, "accounts")).doesNotContain("building on");
      assertThat(first + again.toString() + farm.logs()).doesNotContain(PASSWORD)
          .doesNotContain(Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void aWorkerWithoutCredentialsFailsTheImageNamingTheRegistryAndMovesNoTag() throws Exception {
    ExampleTree.copy(tmp);
    TestCertificates certs = TestCertificates.generate(Files.createDirectories(tmp.resolve("certs")));
    String ca = certs.caCertificate().toString();
    try (LocalRegistry registry = LocalRegistry.builder().user(USER, PASSWORD).tls(certs).start(tmp.resolve("reg"));
        FarmProcesses withCredentials = new FarmProcesses(tmp, FarmProcesses.Mains.REAL, Map.of(
            "DOCKER_CONFIG", dockerConfig(registry.host()).toString(),
            "HOME", Files.createDirectories(tmp.resolve("daemon-home")).toString()));
        FarmProcesses without = new FarmProcesses(tmp, FarmProcesses.Mains.REAL, Map.of(
            "DOCKER_CONFIG", Files.createDirectories(tmp.resolve("no-docker")).toString(),
            "HOME", Files.createDirectories(tmp.resolve("worker-home")).toString()))) {
      FarmProcesses.Daemon coordinator = withCredentials.coordinator("--ca-cert", ca);
      without.worker(coordinator, "w-nocreds", "amd64", 2, "--ca-cert", ca);
      String prefix = registry.host() + "/farm";

      ExternalTools.Result r = submit(coordinator, prefix);

      assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
      assertThat(r.stdout() + r.stderr())
          .contains("accounts: FAILED", "failed after 3 attempt(s)", "authentication required",
              "has no credentials for " + registry.host());
      RegistryClient reader = RegistryClient.create(registry.host(), RegistryOptions.builder()
          .credentials(CredentialSource.of(new Credential(USER, PASSWORD), "test")).caCertificate(certs.caCertificate())
          .build());
      assertThat(reader.manifestDigest("farm/accounts", "v1")).isEmpty();
      assertThat(reader.manifestDigest("farm/multi-arch", "v1")).isEmpty();
      assertThat(r + withCredentials.logs() + without.logs()).doesNotContain(PASSWORD);
    }
  }

  /** The docker config directory of the daemons' user: credentials for the registry and nothing else. */
  private Path dockerConfig(String registry) throws Exception {
    Path d = Files.createDirectories(tmp.resolve("daemon-docker"));
    String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    Files.writeString(d.resolve("config.json"), "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}");
    return d;
  }

  /** {@code apko-client submit --push} as a user without any registry credentials or CA. */
  private ExternalTools.Result submit(FarmProcesses.Daemon coordinator, String prefix) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("env",
        "HOME=" + Files.createDirectories(tmp.resolve("client-home")),
        "DOCKER_CONFIG=" + Files.createDirectories(tmp.resolve("client-docker")),
        ExampleTree.PROJECT.resolve("bin/apko-client").toString(), "-C", tmp.toString(), "submit",
        "examples/multi-arch.yaml", "examples/accounts.yaml", "--coordinator", coordinator.target(),
        "--push", prefix, "--tag", "v1"));
    return ExternalTools.run(cmd);
  }

  private static String digestPrinted(String out, String image) {
    Matcher m = Pattern.compile("(?m)^" + image + " (sha256:[0-9a-f]{64})$").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  private static JsonNode json(RegistryClient reader, String repository, String digest) throws Exception {
    ManifestContent m = reader.getManifest(repository, digest).orElseThrow();
    return JSON.readTree(m.bytes());
  }

  private boolean stored(String digest) {
    return Files.isRegularFile(tmp.resolve("coordinator-data/blobs/sha256").resolve(digest.substring(7)));
  }
}
