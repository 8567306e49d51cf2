package dev.apkofarm.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Our own configs in the shapes of apko's examples parse into the model they describe. */
class ExampleConfigsTest {

  @Test
  void serviceBundleGetsS6AndItsCommand() throws Exception {
    ImageConfig c = ExamplesDir.load("web-bundle.yaml");

    assertThat(c.contents().keyring()).containsExactly("https://repo.example.org/os/signing.rsa.pub");
    assertThat(c.contents().repositories()).containsExactly("https://repo.example.org/os");
    assertThat(c.contents().packages()).containsExactly("example-baselayout", "httpd", "s6");
    assertThat(c.entrypoint().isServiceBundle()).isTrue();
    assertThat(c.entrypoint().command()).contains("/bin/s6-svscan /sv");
    assertThat(c.entrypointArgv()).containsExactly("/bin/s6-svscan", "/sv");
    assertThat(c.entrypoint().services())
        .containsExactly(
            Map.entry("httpd", "/usr/sbin/httpd -f /etc/httpd/httpd.conf -g \"daemon off;\""),
            Map.entry("logger", "/usr/bin/logd --stdout"));
    assertThat(c.environment()).containsExactly(Map.entry("PATH", "/usr/sbin:/usr/bin"), Map.entry("TZ", "UTC"));
    assertThat(c.accounts().groups()).containsExactly(new Group("www", 20000, List.of()));
    assertThat(c.accounts().users()).containsExactly(new User("www", 20000));
    assertThat(c.accounts().users().get(0).homedir()).isEqualTo("/home/www");
    assertThat(c.accounts().runAs()).isEmpty();
    assertThat(c.paths())
        .containsExactly(
            new PathMutation(
                "/run/httpd", PathMutation.Type.DIRECTORY, OptionalLong.of(20000), OptionalLong.of(20000), 0755,
                Optional.empty(), false),
            new PathMutation(
                "/etc/httpd/sites/default.conf", PathMutation.Type.HARDLINK, OptionalLong.of(20000),
                OptionalLong.of(20000), 0644, Optional.of("/etc/httpd/default.conf"), false));
    assertThat(c.workDir()).contains("/srv/www");
    assertThat(c.annotations())
        .containsExactly(
            Map.entry("org.example.team", "web"), Map.entry("org.opencontainers.image.title", "httpd"));
    assertThat(c.archs()).containsExactly(Arch.AMD64);
  }

  @Test
  void rootlessBundleRunsAsItsUser() throws Exception {
    ImageConfig c = ExamplesDir.load("web-bundle-rootless.yaml");

    assertThat(c.accounts().runAs()).contains("www");
    assertThat(c.accounts().groups()).containsExactly(new Group("www", 20000, List.of("www", "ops")));
    assertThat(c.accounts().users())
        .containsExactly(
            new User("www", 20000, OptionalLong.of(20000), Optional.of("/sbin/nologin"), "/var/www"));
    assertThat(c.contents().packages()).containsExactly("httpd", "s6");
  }

  @Test
  void plainBaseImageKeepsEnvironmentAsDeclaredAndAddsDefaultsOnlyToTheEffectiveOne() throws Exception {
    ImageConfig c = ExamplesDir.load("distro-base.yaml");

    assertThat(c.contents().keyring()).isEmpty();
    assertThat(c.cmd()).contains("/bin/sh -l");
    assertThat(c.cmdArgv()).containsExactly("/bin/sh", "-l");
    assertThat(c.entrypoint()).isEqualTo(Entrypoint.NONE);
    assertThat(c.entrypointArgv()).isEmpty();
    assertThat(c.environment()).containsOnlyKeys("PATH");
    assertThat(c.effectiveEnvironment())
        .containsExactly(
            Map.entry("PATH", ImageConfig.DEFAULT_PATH),
            Map.entry("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt"));
    assertThat(c.archs()).containsExactly(Arch.AMD64, Arch.ARM64);
  }

  @Test
  void numericRunAsAndDuplicateArchSpellings() throws Exception {
    ImageConfig c = ExamplesDir.load("distro-base-rootless.yaml");

    assertThat(c.accounts().runAs()).contains("65532");
    assertThat(c.accounts().users()).containsExactly(new User("app", 65532));
    assertThat(c.archs()).containsExactly(Arch.AMD64, Arch.ARM64);
  }

  @Test
  void signedRepositoryWithApkArchNames() throws Exception {
    ImageConfig c = ExamplesDir.load("signed-base.yaml");

    assertThat(c.contents().keyring()).containsExactly("https://repo.example.org/os/signing.rsa.pub");
    assertThat(c.contents().packages()).containsExactly("example-base");
    assertThat(c.archs()).containsExactly(Arch.AMD64, Arch.ARM64);
  }

  @Test
  void includeOnlyIsTheIncludedConfig() throws Exception {
    ImageConfig included = ExamplesDir.load("distro-base.yaml");
    ImageConfig c = ExamplesDir.load("include.yaml");

    assertThat(c.include()).contains("examples/distro-base.yaml");
    assertThat(c.toBuilder().include(Optional.empty()).build()).isEqualTo(included);
  }

  @Test
  void overlayAddsPackagesAfterTheBaseAndKeepsItsOwnEnvironment() throws Exception {
    ImageConfig c = ExamplesDir.load("overlay.yaml");

    assertThat(c.contents().repositories()).containsExactly("https://mirror.example.net/distro/v9/main");
    assertThat(c.contents().packages()).containsExactly("distro-base", "vim");
    assertThat(c.environment())
        .containsExactly(Map.entry("EDITOR", "vim"), Map.entry("PATH", "/opt/bin:/usr/bin:/bin"));
    assertThat(c.cmd()).contains("/bin/sh -l");
    assertThat(c.archs()).containsExactly(Arch.AMD64, Arch.ARM64);
  }

  @Test
  void additionalCertificatesKeepTheirContent() throws Exception {
    ImageConfig c = ExamplesDir.load("certificates.yaml");

    Certificates certs = c.certificates().orElseThrow();
    assertThat(certs.providers()).isEmpty();
    assertThat(certs.additional()).extracting(AdditionalCertificate::name).containsExactly("test-root-1", "test-root.2");
    assertThat(certs.additional().get(1).content())
        .isEqualTo("-----BEGIN CERTIFICATE-----\nQW5vdGhlciBwbGFjZWhvbGRlci4K\n-----END CERTIFICATE-----\n");
    assertThat(c.entrypointArgv()).containsExactly("/bin/sh", "-c");
  }

  @Test
  void certificateProvidersAndLocalRepositories() throws Exception {
    ImageConfig c = ExamplesDir.load("package-certificates.yaml");

    assertThat(c.certificates().orElseThrow().providers()).containsExactly("corp-ca-certificates");
    assertThat(c.contents().keyring()).containsExactly("./keys/local.rsa.pub");
    assertThat(c.contents().repositories()).containsExactly("./packages");
  }

  @Test
  void packageConstraintsAreKeptVerbatimEvenWhenTheyLookNumeric() throws Exception {
    ImageConfig c = ExamplesDir.load("pinned-versions.yaml");

    assertThat(c.contents().packages()).containsExactly("libc=2.36-r3", "openssl>3.0", "tool~1.2", "2048");
  }

  @Test
  void runtimeRepositoriesAndKeys() throws Exception {
    ImageConfig c = ExamplesDir.load("runtime-keyring.yaml");

    assertThat(c.contents().buildRepositories()).containsExactly("@local ./packages");
    assertThat(c.contents().runtimeRepositories()).containsExactly("https://mirror.example.com/os");
    assertThat(c.contents().runtimeKeyring())
        .containsExactly(
            new RuntimeKey(
                "mirror.rsa.pub",
                "-----BEGIN PUBLIC KEY-----\nUGxhY2Vob2xkZXIga2V5Cg==\n-----END PUBLIC KEY-----\n"));
    assertThat(c.archs()).as("no archs written: the farm applies its default").isEmpty();
  }

  @Test
  void baseImage() throws Exception {
    ImageConfig c = ExamplesDir.load("base-image.yaml");

    assertThat(c.contents().baseImage()).contains(new BaseImage("./base/layout", "./base/apkindexes"));
  }

  @Test
  void originLayering() throws Exception {
    ImageConfig c = ExamplesDir.load("layering.yaml");

    assertThat(c.layering()).contains(new Layering(Optional.of("origin"), 10));
    assertThat(c.layering().orElseThrow().multiLayer()).isTrue();
    assertThat(c.effectiveFormat()).isEqualTo(LayerFormat.TAR);
  }

  @Test
  void everyPathMutationTypeAndPermissionSpelling() throws Exception {
    ImageConfig c = ExamplesDir.load("paths.yaml");

    assertThat(c.paths())
        .containsExactly(
            new PathMutation(
                "/data", PathMutation.Type.DIRECTORY, OptionalLong.empty(), OptionalLong.of(1000), 02775,
                Optional.empty(), true),
            new PathMutation(
                "/etc/ready", PathMutation.Type.EMPTY_FILE, OptionalLong.empty(), OptionalLong.empty(), 0644,
                Optional.empty(), false),
            new PathMutation(
                "/usr/bin/python", PathMutation.Type.SYMLINK, OptionalLong.empty(), OptionalLong.empty(), 0,
                Optional.of("python3"), false),
            new PathMutation(
                "/usr/bin/py", PathMutation.Type.HARDLINK, OptionalLong.empty(), OptionalLong.empty(), 0,
                Optional.of("/usr/bin/python3"), false),
            new PathMutation(
                "/srv", PathMutation.Type.PERMISSIONS, OptionalLong.of(1000), OptionalLong.empty(), 0755,
                Optional.empty(), true));
  }

  @Test
  void remainingFields() throws Exception {
    ImageConfig c = ExamplesDir.load("everything-else.yaml");

    assertThat(c.entrypoint().shellFragment()).contains("exec /usr/bin/app --port \"$PORT\"");
    assertThat(c.entrypointArgv()).containsExactly("/bin/sh", "-c", "exec /usr/bin/app --port \"$PORT\"");
    assertThat(c.cmdArgv()).containsExactly("--verbose", "two words", "with \"escapes\"");
    assertThat(c.stopSignal()).contains("SIGQUIT");
    assertThat(c.workDir()).contains("/app");
    assertThat(c.vcsUrl()).contains("https://git.example.org/app@0123456789abcdef");
    assertThat(c.volumes()).containsExactly("/var/lib/app", "/tmp");
    assertThat(c.format()).contains(LayerFormat.TAR);
    assertThat(c.archs())
        .containsExactly(Arch.X86, Arch.ARMV6, Arch.ARMV7, Arch.LOONG64, Arch.PPC64LE, Arch.RISCV64, Arch.S390X);
  }

  @Test
  void everyExampleRoundTripsThroughItsYaml(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    List<Path> examples;
    try (Stream<Path> s = Files.list(ExamplesDir.workDir().resolve("examples"))) {
      examples = s.sorted().toList();
    }
    assertThat(examples).hasSizeGreaterThanOrEqualTo(15);
    for (Path example : examples) {
      ImageConfig c = ExamplesDir.load(example.getFileName().toString());
      Path written = tmp.resolve(example.getFileName());
      Files.writeString(written, ConfigWriter.yaml(c));

      ImageConfig reread = new ConfigLoader(tmp).load(written.getFileName().toString()).config();

      // A service bundle appends s6 on every load, as apko does; everything else must survive unchanged.
      ImageConfig expected = c.entrypoint().isServiceBundle() ? ConfigLoader.normalise(c) : c;
      assertThat(reread).as(example.toString()).isEqualTo(expected.toBuilder().include(Optional.empty()).build());
    }
  }
}
