package dev.apkofarm.core.apk.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.lock.LockFile;
import dev.apkofarm.core.apk.lock.Locker;
import dev.apkofarm.core.apk.sign.Pem;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ImageContents;
import dev.apkofarm.core.testing.Fixtures;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * apko's key discovery against a real HTTP server on 127.0.0.1 serving apko's signed test repository three ways: as
 * an Alpine release (keys listed in a releases.json), as a Chainguard repository (keys in a JWKS), and as one whose
 * JWKS serves the wrong key under the right name.
 */
class KeyDiscoveryTest {
  private static final Clock NOW = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;
  private Path www;
  private RepositoryServer server;

  @BeforeEach
  void serve() throws Exception {
    www = dir.resolve("www");
    Path packages = Fixtures.apkoCli().resolve("testdata/packages");
    for (String repo : List.of("alpine/v3.22/main", "chainguard", "forged")) {
      for (String arch : List.of("x86_64", "aarch64")) {
        Files.createDirectories(www.resolve(repo).resolve(arch));
        try (var files = Files.list(packages.resolve(arch))) {
          for (Path f : files.toList()) {
            Files.copy(f, www.resolve(repo).resolve(arch).resolve(f.getFileName()));
          }
        }
      }
    }
    Files.createDirectories(www.resolve("keys"));
    Files.copy(packages.resolve("melange.rsa.pub"), www.resolve("keys/melange.rsa.pub"));
    server = new RepositoryServer(www);
    String base = server.url();
    Files.writeString(www.resolve("releases.json"), "{\"release_branches\":[{\"rel_branch\":\"v3.22\",\"keys\":{"
        + "\"x86_64\":[{\"url\":\"" + base + "/keys/melange.rsa.pub\"},"
        + "{\"url\":\"" + base + "/keys/retired.rsa.pub\",\"deprecated_since\":\"2025-01-01\"}],"
        + "\"aarch64\":[{\"url\":\"" + base + "/keys/melange.rsa.pub\"}]}}]}");
    jwks("chainguard", packages.resolve("melange.rsa.pub"));
    jwks("forged", Fixtures.apkoCli().resolve("testdata/private_packages/private_pkg_key.rsa.pub"));
  }

  /** {@code <repo>/apk-configuration} pointing at a JWKS that holds {@code key} as kid "melange". */
  private void jwks(String repo, Path key) throws Exception {
    RSAPublicKey k = Pem.publicKey(Files.readAllBytes(key), "test key");
    Files.writeString(www.resolve(repo).resolve("apk-configuration"),
        "{\"jwks_uri\":\"" + server.url() + "/" + repo + "/jwks.json\"}");
    Files.writeString(www.resolve(repo).resolve("jwks.json"), "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"melange\","
        + "\"n\":\"" + b64(k.getModulus()) + "\",\"e\":\"" + b64(k.getPublicExponent()) + "\"}]}");
  }

  private static String b64(BigInteger n) {
    byte[] b = n.toByteArray();
    if (b[0] == 0) {
      b = java.util.Arrays.copyOfRange(b, 1, b.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Repositories repositories(boolean offline) {
    Fetcher f = new Fetcher(new Fetcher.Options(dir, Optional.of(dir.resolve("cache")), offline,
        Duration.ofSeconds(10), 1, Optional.empty()));
    return new Repositories(f, new KeyDiscovery(f, server.url() + "/releases.json", NOW));
  }

  private LockFile lock(Repositories repos, String repository) throws Exception {
    ImageContents contents =
        new ImageContents(List.of(), List.of(), List.of(repository), List.of(), List.of(), List.of("replayout"),
            Optional.empty());
    Locker locker = new Locker(repos, new PackageStore(repos.fetcher(), new DiskBlobCache(dir.resolve("pkgs")),
        List.of()), 2);
    return locker.lock(new Locker.Request("c.yaml", "sha256-x", contents, List.of(Arch.AMD64, Arch.ARM64), List.of(),
        List.of(), List.of(), true, Optional.empty()));
  }

  @Test
  void findsAnAlpineReleasesKeysSkipsDeprecatedOnesAndLocksThem() throws Exception {
    String repository = server.url() + "/alpine/v3.22/main";

    LockFile lock = lock(repositories(false), repository);

    assertThat(lock.contents().packages()).extracting(LockFile.Pkg::name).contains("replayout");
    assertThat(lock.contents().keyring()).singleElement().satisfies(k -> {
      assertThat(k.url()).isEqualTo(server.url() + "/keys/melange.rsa.pub");
      assertThat(k.name()).isEqualTo(server.url().substring("http://".length()) + "/keys/melange.rsa.pub");
      assertThat(k.content()).startsWith("-----BEGIN PUBLIC KEY-----");
    });
    assertThat(server.requests).doesNotContain("GET /keys/retired.rsa.pub");
    // cached: the same lock works offline
    assertThat(lock(repositories(true), repository).contents().keyring()).hasSize(1);
  }

  @Test
  void findsChainguardKeysThroughTheJwksTheRepositoryNames() throws Exception {
    Repositories repos = repositories(false);

    LockFile lock = lock(repos, server.url() + "/chainguard");

    assertThat(lock.contents().keyring()).singleElement().satisfies(k -> {
      assertThat(k.url()).isEqualTo(server.url() + "/chainguard/melange.rsa.pub");
      assertThat(Pem.publicKey(k.content().getBytes(StandardCharsets.US_ASCII), "k"))
          .isEqualTo(Pem.publicKey(Files.readAllBytes(www.resolve("keys/melange.rsa.pub")), "m"));
    });
    assertThat(repos.discoverKeys(List.of(server.url() + "/chainguard"), List.of("x86_64")))
        .extracting(KeyDiscovery.Key::fileName).containsExactly("melange.rsa.pub");
    // and the image gets it in /etc/apk/keys, as apko installs discovered keys
    java.nio.file.Path config = dir.resolve("c.yaml");
    Files.writeString(config, "contents:\n  repositories: [" + server.url() + "/chainguard]\n  packages: [replayout]\n");
    var loaded = new dev.apkofarm.core.config.ConfigLoader(dir).load("c.yaml");
    var image = new dev.apkofarm.core.build.ImageLocker(new Locker(repos, new PackageStore(repos.fetcher(),
        new DiskBlobCache(dir.resolve("pkgs")), List.of()), 2), repos)
        .lock(loaded, dev.apkofarm.core.build.ImageLocker.Request.of(List.of(Arch.AMD64), java.util.Map.of()));
    assertThat(image.keyring()).extracting(k -> k.name()).containsExactly("melange.rsa.pub");
  }

  @Test
  void aDiscoveredKeyNeverStandsInForTheSigningKey() {
    assertThatThrownBy(() -> lock(repositories(false), server.url() + "/forged"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("melange.rsa.pub");
  }

  @Test
  void aRepositoryWithoutDiscoveryHasNoDiscoveredKeys() throws Exception {
    assertThat(repositories(false).discoverKeys(List.of(server.url() + "/keys", "./local"), List.of("x86_64")))
        .isEmpty();
    assertThat(KeyDiscovery.alpineRelease("https://dl-cdn.alpinelinux.org/alpine/v3.22/main")).contains("v3.22");
    assertThat(KeyDiscovery.alpineRelease("https://packages.wolfi.dev/os")).isEmpty();
  }

}
