package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.testing.LocalRegistry;
import dev.apkofarm.core.testing.Skopeo;
import dev.apkofarm.core.testing.TestEnvironment;
import dev.apkofarm.core.testing.StderrCapture;
import dev.apkofarm.core.testing.SyntheticImage;
import dev.apkofarm.core.testing.TestCertificates;
import dev.apkofarm.core.testing.TokenServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and transport against real registries: htpasswd over TLS with a private CA, and token auth with
 * a token service. Every secret is random per run, so finding it anywhere is a leak.
 */
class AuthIT {
  private static final String USER = "builder";
  private static final String PASSWORD = "pw-" + UUID.randomUUID();

  @TempDir static Path shared;
  private static TestCertificates certs;
  private static LocalRegistry tlsRegistry;

  @TempDir Path tmp;

  @BeforeAll
  static void startRegistry() throws Exception {
    certs = TestCertificates.generate(Files.createDirectories(shared.resolve("certs")));
    tlsRegistry = LocalRegistry.builder().user(USER, PASSWORD).tls(certs).start(shared.resolve("registry"));
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (tlsRegistry != null) {
      tlsRegistry.close();
    }
  }

  private Path dockerConfig(String user, String password) throws Exception {
    return tlsRegistry.writeDockerConfig(tmp.resolve("docker-" + UUID.randomUUID()), user, password);
  }

  private RegistryClient tlsClient(CredentialSource credentials, List<PushEvent> events) throws Exception {
    return RegistryClient.create(
        tlsRegistry.host(),
        RegistryOptions.builder()
            .credentials(credentials)
            .caCertificate(certs.caCertificate())
            .listener(events::add)
            .build());
  }

  @Test
  void pushesOverTlsWithTheCaCertAndCredentialsFromADockerConfigFile() throws Exception {
    Path config = dockerConfig(USER, PASSWORD);
    SyntheticImage image = SyntheticImage.write(tmp.resolve("layout"), 0, "tls");
    ImageRef repo = ImageRef.parse(tlsRegistry.host() + "/secure/app");

    PublishResult r =
        new Publisher(tlsClient(CredentialSource.dockerConfig(config), new ArrayList<>()), PublishOptions.defaults())
            .publish(ImageSet.fromOciLayout(image.layout()), repo, List.of("1.0"), List.of(), Optional.empty());

    assertThat(r.digest()).isEqualTo(image.index());
    String raw = Skopeo.tls(certs.caCertificate(), config, tmp).inspectRaw(repo.withTag("1.0").toString());
    assertThat(raw).contains(image.manifests().get("arm64").toString());
  }

  @Test
  void wrongCredentialsFailClearlyMoveNoTagAndLeakNothing() throws Exception {
    Path good = dockerConfig(USER, PASSWORD);
    ImageRef repo = ImageRef.parse(tlsRegistry.host() + "/secure/guarded");
    SyntheticImage v1 = SyntheticImage.write(tmp.resolve("v1"), 0, "guarded-v1");
    RegistryClient goodClient = tlsClient(CredentialSource.dockerConfig(good), new ArrayList<>());
    new Publisher(goodClient, PublishOptions.defaults())
        .publish(ImageSet.fromOciLayout(v1.layout()), repo, List.of("stable"), List.of(), Optional.empty());

    String wrongPassword = "wrong-" + UUID.randomUUID();
    Path bad = dockerConfig(USER, wrongPassword);
    SyntheticImage v2 = SyntheticImage.write(tmp.resolve("v2"), 0, "guarded-v2");
    // The listener is called from the push's threads, concurrently while the push runs.
    List<PushEvent> events = new CopyOnWriteArrayList<>();
    Throwable thrown;
    String logged;
    try (StderrCapture log = new StderrCapture()) {
      RegistryClient badClient = tlsClient(CredentialSource.dockerConfig(bad), events);
      thrown =
          org.assertj.core.api.Assertions.catchThrowable(
              () ->
                  new Publisher(badClient, PublishOptions.defaults())
                      .publish(ImageSet.fromOciLayout(v2.layout()), repo, List.of("stable"), List.of(),
                          Optional.empty()));
      logged = log.text();
    }

    // The other uploads were stopped before publish() threw: nothing of the push goes on, or reports, after it.
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("registry-push-") && t.isAlive());
    assertThat(thrown)
        .isInstanceOf(RegistryAuthException.class)
        .hasMessageContaining("registry " + tlsRegistry.host())
        .hasMessageContaining("rejected the credentials from docker config " + bad);
    assertThat(goodClient.manifestDigest(repo.repository(), "stable")).contains(v1.index());
    String basic = Base64.getEncoder().encodeToString((USER + ":" + wrongPassword).getBytes(StandardCharsets.UTF_8));
    assertThat(logged).contains("HEAD https://" + tlsRegistry.host()); // the client did log its requests
    for (String secret : List.of(wrongPassword, basic)) {
      assertThat(fullText(thrown)).doesNotContain(secret);
      assertThat(logged).doesNotContain(secret);
      assertThat(events).allSatisfy(e -> assertThat(e.toString()).doesNotContain(secret));
    }
  }

  @Test
  void saysWhereItLookedWhenThereAreNoCredentials() throws Exception {
    Path empty = tmp.resolve("empty-config.json");
    Files.writeString(empty, "{\"auths\":{}}");
    RegistryClient client = tlsClient(CredentialSource.dockerConfig(empty), new ArrayList<>());

    assertThatThrownBy(() -> client.blobExists("secure/app", dev.apkofarm.core.oci.Digest.of(new byte[0])))
        .isInstanceOf(RegistryAuthException.class)
        .hasMessageContaining("authentication required")
        .hasMessageContaining("docker config " + empty + " has no credentials for " + tlsRegistry.host());
  }

  @Test
  void refusesAnUntrustedCertificateAndPointsAtCaCert() throws Exception {
    RegistryClient client =
        RegistryClient.create(
            tlsRegistry.host(),
            RegistryOptions.builder().credentials(CredentialSource.dockerConfig(dockerConfig(USER, PASSWORD))).build());

    assertThatThrownBy(() -> client.blobExists("secure/app", dev.apkofarm.core.oci.Digest.of(new byte[0])))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("TLS connection to https://" + tlsRegistry.host() + " failed")
        .hasMessageContaining("--ca-cert");
  }

  @Test
  void takesCredentialsFromTheHelperThatTheDockerConfigNames() throws Exception {
    // Docker credential helpers are run by name from the JVM's PATH, which a test cannot change: Failsafe starts
    // this JVM with the helper directory on PATH (core/pom.xml) and names it in this property.
    String helperDir = System.getProperty("apkofarm.credentialHelperDir");
    if (helperDir == null) {
      throw TestEnvironment.missing("run by Failsafe (mvn verify), which puts the credential-helper directory on PATH");
    }
    String name = "apkofarm-test-" + UUID.randomUUID().toString().substring(0, 8);
    Path helper = Files.createDirectories(Path.of(helperDir)).resolve("docker-credential-" + name);
    Files.writeString(
        helper,
        "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread server\n"
            + "printf '{\"ServerURL\":\"%s\",\"Username\":\"" + USER + "\",\"Secret\":\"" + PASSWORD + "\"}' "
            + "\"$server\"\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = tmp.resolve("helper-config.json");
    Files.writeString(config, "{\"credHelpers\":{\"" + tlsRegistry.host() + "\":\"" + name + "\"}}");
    SyntheticImage image = SyntheticImage.write(tmp.resolve("layout"), 0, "helper");

    PublishResult r =
        new Publisher(tlsClient(CredentialSource.dockerConfig(config), new ArrayList<>()), PublishOptions.defaults())
            .publish(ImageSet.fromOciLayout(image.layout()), ImageRef.parse(tlsRegistry.host() + "/secure/helper"),
                List.of("latest"), List.of(), Optional.empty());

    assertThat(r.digest()).isEqualTo(image.index());
  }

  @Test
  void authenticatesWithBearerTokensAndMountsAcrossRepositories() throws Exception {
    String refresh = "refresh-" + UUID.randomUUID();
    try (TokenServer tokens = TokenServer.start(Files.createDirectories(tmp.resolve("tokens")), USER, PASSWORD,
            refresh);
        LocalRegistry registry =
            LocalRegistry.builder()
                .tokenAuth(tokens.realm(), TokenServer.SERVICE, TokenServer.ISSUER, tokens.rootCertificate())
                .start(tmp.resolve("token-registry"))) {
      SyntheticImage image = SyntheticImage.write(tmp.resolve("layout"), 0, "bearer");
      ImageSet set = ImageSet.fromOciLayout(image.layout());
      List<PushEvent> events = new ArrayList<>();
      RegistryClient client =
          RegistryClient.create(
              registry.host(),
              RegistryOptions.builder()
                  .credentials(CredentialSource.of(new Credential(USER, PASSWORD), "test credentials"))
                  .listener(events::add)
                  .build());
      Publisher publisher = new Publisher(client, PublishOptions.defaults());
      String logged;
      try (StderrCapture log = new StderrCapture()) {
        publisher.publish(set, ImageRef.parse(registry.host() + "/tok/one"), List.of("a"), List.of(),
            Optional.empty());
        PublishResult second =
            publisher.publish(set, ImageRef.parse(registry.host() + "/tok/two"), List.of("a"), List.of(),
                Optional.empty());
        assertThat(second.stats().mounts()).isEqualTo(4);
        logged = log.text();
      }
      assertThat(tokens.issued()).isPositive();
      assertThat(logged).doesNotContain(PASSWORD).contains("PUT http://" + registry.host());

      // An identity token (docker login with a token service) is exchanged with the refresh-token grant.
      RegistryClient viaRefresh =
          RegistryClient.create(
              registry.host(),
              RegistryOptions.builder()
                  .credentials(CredentialSource.of(new Credential(Credential.IDENTITY_TOKEN_USER, refresh), "idt"))
                  .build());
      assertThat(viaRefresh.manifestDigest("tok/two", "a")).contains(image.index());

      RegistryClient wrong =
          RegistryClient.create(
              registry.host(),
              RegistryOptions.builder()
                  .credentials(CredentialSource.of(new Credential(USER, "nope-" + PASSWORD), "wrong creds"))
                  .build());
      assertThatThrownBy(() -> wrong.manifestDigest("tok/two", "a"))
          .isInstanceOf(RegistryAuthException.class)
          .hasMessageContaining("token service " + tokens.realm() + " rejected the credentials from wrong creds")
          .satisfies(t -> assertThat(fullText(t)).doesNotContain(PASSWORD));
    }
  }

  private static String fullText(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }
}
