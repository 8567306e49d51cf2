package dev.apkofarm.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** apko's own CLI test configs load, from the working directory apko runs them in. */
class FixtureConfigsTest {
  private static ConfigLoader loader() {
    return new ConfigLoader(Fixtures.apkoCli());
  }

  @Test
  void goldenConfigLoads() throws Exception {
    ImageConfig c = loader().load("testdata/apko.yaml").config();

    assertThat(c.contents().keyring()).containsExactly("./testdata/melange.rsa.pub");
    assertThat(c.contents().repositories()).containsExactly("./testdata/packages");
    assertThat(c.contents().packages()).containsExactly("replayout");
    assertThat(c.entrypointArgv()).containsExactly("/bin/sh", "-l");
    assertThat(c.archs()).containsExactly(Arch.AMD64, Arch.ARM64);
    assertThat(c.environment()).isEmpty();
    assertThat(c.ociEnv())
        .containsExactly(
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin",
            "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt");
  }

  @Test
  void nameAndChecksumMatchApkosLockFile() throws Exception {
    JsonNode lock = new ObjectMapper().readTree(Fixtures.apkoCli().resolve("testdata/apko.lock.json").toFile());
    // apko wrote this lock for "apko lock apko.yaml --include-paths testdata", run in apko/cli.
    LoadedConfig loaded = new ConfigLoader(Fixtures.apkoCli(), List.of(Path.of("testdata"))).load("apko.yaml");

    assertThat(loaded.name()).isEqualTo(lock.at("/config/name").asText());
    assertThat(loaded.checksum()).isEqualTo(lock.at("/config/checksum").asText());
    assertThat(loaded.workDir()).isEqualTo(Fixtures.apkoCli().toAbsolutePath().normalize());
  }

  @Test
  void everyApkoConfigInTheTestdataFolderLoads() throws Exception {
    List<Path> configs = apkoConfigs();

    assertThat(configs).extracting(p -> p.getFileName().toString())
        .contains("apko.yaml", "apko-certs.yaml", "apko-discover.yaml", "layering.yaml", "empty-layering.yaml");
    for (Path p : configs) {
      LoadedConfig loaded = loader().load("testdata/" + p.getFileName());
      assertThat(loaded.config().archs()).as(p.toString()).containsExactly(Arch.AMD64, Arch.ARM64);
    }
    assertThat(loader().load("testdata/layering.yaml").config().layering())
        .contains(new Layering(Optional.of("origin"), 2));
    assertThat(loader().load("testdata/empty-layering.yaml").config().layering())
        .contains(new Layering(Optional.empty(), 0));
    assertThat(loader().load("testdata/apko-certs.yaml").config().certificates().orElseThrow().providers())
        .containsExactly("custom-ca-certificates");
  }

  @Test
  void melangeRecipesBesideThemAreNotApkoConfigs() throws Exception {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> loader().load("testdata/replayout.melange.yaml"));

    assertThat(e.getMessage()).startsWith("testdata/replayout.melange.yaml:1:1: package: unknown key (allowed:");
  }

  private static List<Path> apkoConfigs() throws Exception {
    try (Stream<Path> s = Files.list(Fixtures.apkoCli().resolve("testdata"))) {
      return s.filter(p -> p.toString().endsWith(".yaml") && !p.toString().endsWith(".melange.yaml"))
          .sorted()
          .toList();
    }
  }
}
