package dev.apkofarm.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How YAML values become config values: apko's decoding rules and the YAML features it supports. */
class YamlReadingTest {
  @TempDir Path dir;

  private LoadedConfig load(String yaml) throws Exception {
    Files.writeString(dir.resolve("c.yaml"), yaml);
    return new ConfigLoader(dir).load("c.yaml");
  }

  @Test
  void archSpellingsAreNormalisedDeduplicatedAndSortedByteWiseByOciName() throws Exception {
    ImageConfig c =
        load("archs: [x86_64, aarch64, amd64, armhf, arm/v7, armv7, x86, '386', loongarch64, s390x, ppc64le]\n")
            .config();

    assertThat(c.archs())
        .containsExactly(
            Arch.X86, Arch.AMD64, Arch.ARMV6, Arch.ARMV7, Arch.ARM64, Arch.LOONG64, Arch.PPC64LE, Arch.S390X);
    assertThat(c.archs()).extracting(Arch::ociName)
        .containsExactly("386", "amd64", "arm/v6", "arm/v7", "arm64", "loong64", "ppc64le", "s390x");
  }

  @Test
  void emptyOrAbsentArchsStayEmpty() throws Exception {
    assertThat(load("archs: []\n").config().archs()).isEmpty();
    assertThat(load("cmd: x\n").config().archs()).isEmpty();
  }

  @Test
  void permissionSpellingsAcceptedByApko() throws Exception {
    ImageConfig c =
        load(
                """
                paths:
                  - {path: /a, type: directory, permissions: 0o755}
                  - {path: /b, type: directory, permissions: 0755}
                  - {path: /c, type: directory, permissions: 0x1ed}
                  - {path: /d, type: directory, permissions: 493}
                """)
            .config();

    assertThat(c.paths()).extracting(PathMutation::permissions).containsOnly(0755);
  }

  @Test
  void decimalPermissionThatLooksOctalIsAcceptedWithAWarning() throws Exception {
    LoadedConfig loaded = load("paths:\n  - path: /a\n    type: directory\n    permissions: 755\n");

    assertThat(loaded.config().paths().get(0).permissions()).isEqualTo(755);
    assertThat(loaded.warnings())
        .containsExactly(
            "c.yaml:4:18: paths[0].permissions: 755 is a decimal number (0o1363); write 0o755 if you meant octal");
  }

  @Test
  void nullValuesAreTheSameAsAbsentKeys() throws Exception {
    ImageConfig c = load("contents:\ncmd: ~\nentrypoint: null\naccounts:\n").config();

    assertThat(c).isEqualTo(ImageConfig.builder().build());
  }

  @Test
  void nullMapValueIsAnEmptyString() throws Exception {
    assertThat(load("environment:\n  EMPTY:\n  X: 1\n").config().environment())
        .containsExactly(Map.entry("EMPTY", ""), Map.entry("X", "1"));
  }

  @Test
  void scalarsWhereStringsAreExpectedKeepTheirTextAsWritten() throws Exception {
    ImageConfig c =
        load("cmd: 0755\nstop-signal: 15\nenvironment: {DEBUG: true, LEVEL: 1.50, HEX: 0x10}\n").config();

    assertThat(c.cmd()).contains("0755");
    assertThat(c.stopSignal()).contains("15");
    assertThat(c.environment())
        .containsExactly(Map.entry("DEBUG", "true"), Map.entry("LEVEL", "1.50"), Map.entry("HEX", "0x10"));
  }

  @Test
  void booleansInApkosSpellings() throws Exception {
    ImageConfig c =
        load("paths:\n  - {path: /a, type: permissions, recursive: yes}\n  - {path: /b, type: permissions, recursive: false}\n")
            .config();

    assertThat(c.paths()).extracting(PathMutation::recursive).containsExactly(true, false);
  }

  @Test
  void anchorsAliasesAndMergeKeys() throws Exception {
    ImageConfig c =
        load(
                """
                environment: &env
                  A: "1"
                  B: "2"
                annotations:
                  <<: *env
                  B: own
                contents:
                  packages: &pkgs [x, y]
                volumes: *pkgs
                """)
            .config();

    assertThat(c.annotations()).containsExactly(Map.entry("B", "own"), Map.entry("A", "1"));
    assertThat(c.volumes()).containsExactly("x", "y");
  }

  @Test
  void trailingSlashesOfRepositoriesAreRemoved() throws Exception {
    ImageContents c =
        load("contents:\n  repositories: [https://r.example/os/, ./local//]\n  build_repositories: ['@t ./p/']\n")
            .config()
            .contents();

    assertThat(c.repositories()).containsExactly("https://r.example/os", "./local");
    assertThat(c.buildRepositories()).containsExactly("@t ./p");
  }

  @Test
  void usersWithoutHomedirGetApkosDefault() throws Exception {
    List<User> users =
        load("accounts:\n  users:\n    - {username: a, uid: 1, homedir: /srv/a}\n    - {username: b, uid: 2}\n")
            .config()
            .accounts()
            .users();

    assertThat(users).extracting(User::homedir).containsExactly("/srv/a", "/home/b");
  }

  @Test
  void ociEnvSortsAsStringsLikeApko() throws Exception {
    ImageConfig c = load("environment: {A: x, A1: y, PATH: /bin}\n").config();

    assertThat(c.ociEnv())
        .containsExactly("A1=y", "A=x", "PATH=/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt");
  }
}
