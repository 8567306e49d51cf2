package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.registry.CredentialSource;
import dev.apkofarm.core.registry.RegistryClient;
import dev.apkofarm.core.registry.RegistryOptions;
import dev.apkofarm.core.testing.ExternalTools;
import dev.apkofarm.core.testing.Fixtures;
import dev.apkofarm.core.testing.LocalRegistry;
import dev.apkofarm.core.testing.Skopeo;
import dev.apkofarm.core.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/apko-client publish} as a user runs it, against a registry with htpasswd auth over TLS signed by a
 * private CA: credentials from the docker config {@code DOCKER_CONFIG} names, the CA from {@code --ca-cert}. The
 * password is random per run, so finding it in any output is a leak.
 */
class PublishAuthIT {
  private static final String USER = "publisher";
  private static final String PASSWORD = "pw-" + UUID.randomUUID();

  @TempDir static Path shared;
  private static TestCertificates certs;
  private static LocalRegistry registry;

  @TempDir Path dir;

  @BeforeAll
  static void startRegistry() throws Exception {
    certs = TestCertificates.generate(Files.createDirectories(shared.resolve("certs")));
    registry = LocalRegistry.builder().user(USER, PASSWORD).tls(certs).start(shared.resolve("registry"));
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  /** A docker config directory (what {@code DOCKER_CONFIG} names) holding {@code user:password} for the registry. */
  private Path dockerConfig(String user, String password) throws Exception {
    return registry.writeDockerConfig(dir.resolve("docker-" + UUID.randomUUID()), user, password).getParent();
  }

  private static String basic(String user, String password) {
    return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Runs the launcher with only the given docker config to find credentials in (HOME is empty). */
  private ExternalTools.Result publish(Path dockerConfig, String ref, String... extra) throws Exception {
    Path launcher = Path.of("").toAbsolutePath().getParent().resolve("bin/apko-client");
    List<String> command =
        new ArrayList<>(
            List.of(
                launcher.toString(), "-C", Fixtures.apkoCli().toString(), "publish", "testdata/apko.yaml", ref,
                "--arch", "amd64,arm64", "--cache-dir", shared.resolve("cache").toString()));
    command.addAll(List.of(extra));
    Path home = Files.createDirectories(dir.resolve("home"));
    Map<String, String> env = Map.of("DOCKER_CONFIG", dockerConfig.toString(), "HOME", home.toString());
    return ExternalTools.run(command, dir, env, Duration.ofMinutes(2));
  }

  private RegistryClient goodClient() throws Exception {
    Path config = dockerConfig(USER, PASSWORD).resolve("config.json");
    return RegistryClient.create(registry.host(), RegistryOptions.builder()
        .credentials(CredentialSource.dockerConfig(config)).caCertificate(certs.caCertificate()).build());
  }

  @Test
  void publishesOverTlsWithTheCaCertAndCredentialsFromTheDockerConfig() throws Exception {
    Path config = dockerConfig(USER, PASSWORD);
    String repository = registry.host() + "/secure/golden";

    ExternalTools.Result r = publish(config, repository + ":1.0", "--ca-cert", certs.caCertificate().toString());

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    String printed = r.stdout().trim();
    assertThat(printed).startsWith(repository + "@sha256:");
    String raw = Skopeo.tls(certs.caCertificate(), config.resolve("config.json"), dir).inspectRaw(repository + ":1.0");
    assertThat(repository + "@" + Digest.of(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(printed);
    assertThat(r.stdout() + r.stderr()).doesNotContain(PASSWORD).doesNotContain(basic(USER, PASSWORD));
  }

  @Test
  void withoutTheCaCertTheCertificateIsRefusedClearly() throws Exception {
    ExternalTools.Result r = publish(dockerConfig(USER, PASSWORD), registry.host() + "/secure/untrusted:1.0");

    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("registry " + registry.host()).containsIgnoringCase("certificate");
    assertThat(goodClient().manifestDigest("secure/untrusted", "1.0")).isEmpty();
  }

  @Test
  void wrongCredentialsExitNonZeroNamingTheRegistryAndMoveNoTag() throws Exception {
    String repository = registry.host() + "/secure/guarded";
    String ca = certs.caCertificate().toString();
    ExternalTools.Result good = publish(dockerConfig(USER, PASSWORD), repository + ":stable", "--ca-cert", ca);
    assertThat(good.exitCode()).as(good.stderr()).isZero();
    Digest stable = Digest.parse(good.stdout().trim().substring(repository.length() + 1));

    String wrong = "wrong-" + UUID.randomUUID();
    Path badConfig = dockerConfig(USER, wrong);
    ExternalTools.Result bad =
        publish(badConfig, repository + ":stable", "--ca-cert", ca, "--annotations", "changed:yes");

    assertThat(bad.exitCode()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(bad.stdout()).isEmpty();
    assertThat(bad.stderr())
        .contains("error: registry " + registry.host())
        .contains("rejected the credentials from docker config " + badConfig.resolve("config.json"));
    for (String secret : List.of(wrong, basic(USER, wrong), PASSWORD)) {
      assertThat(bad.stderr()).doesNotContain(secret);
    }
    assertThat(goodClient().manifestDigest("secure/guarded", "stable")).contains(stable);
  }
}
