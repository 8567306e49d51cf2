package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.testing.ApkoGolden;
import dev.apkofarm.core.testing.Fixtures;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apko's flag names and semantics on apko's golden test data: -p, --vcs, --build-arch, --arch host, --workdir. */
class ApkoFlagsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(ApkoGolden.environment(), args);
  }

  private String cache() {
    return dir.resolve("cache").toString();
  }

  @Test
  void packageAppendInstallsMorePackages() throws Exception {
    Path rootfs = dir.resolve("rootfs.tar.gz");

    CliRun r = run("--workdir", Fixtures.apkoCli().toString(), "build-minirootfs", ApkoGolden.CONFIG, rootfs.toString(),
        "--build-arch", "arm64", "-p", "custom-ca-certs-1", "--cache-dir", cache());

    assertThat(r.exit()).as(r.err()).isZero();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(rootfs))) {
      String tar = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(tar).contains("P:custom-ca-certs-1\n", "P:replayout\n", "\"custom-ca-certs-1=1.0.0-r0\"");
    }
  }

  @Test
  void archHostIsThisMachine() {
    CliRun r = run("-C", Fixtures.apkoCli().toString(), "show-packages", ApkoGolden.CONFIG, "--arch", "host",
        "--cache-dir", cache(), "--format", "name-version-source");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("/" + Arch.host().orElseThrow().apkName() + "/replayout-1.0.0-r0.apk");
  }

  @Test
  void vcsRecordsTheCheckoutsOriginAndHeadUnlessTurnedOff() throws Exception {
    Path checkout = dir.resolve("checkout");
    copy(Fixtures.apkoCli().resolve("testdata"), checkout.resolve("testdata"));
    RevCommit head;
    try (Git git = Git.init().setDirectory(checkout.toFile()).call()) {
      git.remoteAdd().setName("origin").setUri(new URIish("git@github.com:example/images.git")).call();
      git.add().addFilepattern("testdata/apko.yaml").call();
      head = git.commit().setMessage("config").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com")
          .setSign(false).call();
    }
    Path on = Files.createDirectory(dir.resolve("on"));
    Path off = Files.createDirectory(dir.resolve("off"));

    CliRun a = run("-C", checkout.toString(), "build", ApkoGolden.CONFIG, "x:1", on.toString(), "--arch", "amd64",
        "--cache-dir", cache());
    CliRun b = run("-C", checkout.toString(), "build", ApkoGolden.CONFIG, "x:1", off.toString(), "--arch", "amd64",
        "--cache-dir", cache(), "--vcs=false");

    assertThat(a.exit()).as(a.err()).isZero();
    JsonNode annotations = JSON.readTree(on.resolve("index.json").toFile()).path("annotations");
    assertThat(annotations.path("org.opencontainers.image.source").asText())
        .isEqualTo("git+ssh://github.com/example/images.git");
    assertThat(annotations.path("org.opencontainers.image.revision").asText()).isEqualTo(head.name());
    assertThat(b.exit()).as(b.err()).isZero();
    assertThat(JSON.readTree(off.resolve("index.json").toFile()).path("annotations").has(
        "org.opencontainers.image.source")).isFalse();
  }

  @Test
  void vcsUrlsLoseTheirUserInformation() throws Exception {
    assertThat(VcsProbe.normalise("https://user:secret@example.com/org/repo.git"))
        .isEqualTo("https://example.com/org/repo.git");
    assertThat(VcsProbe.normalise("git@example.com:org/repo")).isEqualTo("git+ssh://example.com/org/repo");
  }

  @Test
  void showConfigTakesApkosRepositoryOptionsAndChecksExtraKeys() {
    String workDir = Fixtures.apkoCli().toString();
    CliRun plain = run("-C", workDir, "show-config", ApkoGolden.CONFIG);
    CliRun with = run("-C", workDir, "show-config", ApkoGolden.CONFIG, "-k", "testdata/melange.rsa.pub", "-r", "./x",
        "-b", "./y", "--cache-dir", cache(), "--offline");
    CliRun missing = run("-C", workDir, "show-config", ApkoGolden.CONFIG, "-k", "testdata/nope.rsa.pub");

    assertThat(with.exit()).as(with.err()).isZero();
    assertThat(with.out()).isEqualTo(plain.out());
    assertThat(missing.exit()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(missing.err()).contains("testdata/nope.rsa.pub");
  }

  @Test
  void formatErofsIsRefusedRatherThanBuiltAsTar() throws Exception {
    Path config = dir.resolve("erofs.yaml");
    Files.writeString(config, "contents:\n  keyring: [./testdata/melange.rsa.pub]\n  repositories: [./testdata/packages]\n"
        + "  packages: [replayout]\nformat: erofs\n");

    CliRun r = run("-C", Fixtures.apkoCli().toString(), "build", config.toString(), "x:1", dir.resolve("x.tar").toString(),
        "--cache-dir", cache());

    assertThat(r.exit()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("format: erofs is not supported (layers are tar+gzip only)");
    assertThat(dir.resolve("x.tar")).doesNotExist();
  }

  @Test
  void helpListsApkosFlagNames() {
    assertThat(run("build", "--help").out())
        .contains("--package-append", "--vcs", "--sbom-formats", "--build-arch", "--keyring-append",
            "--repository-append", "--build-repository-append", "--lockfile", "--offline", "--cache-dir",
            "--ignore-signatures", "--annotations", "--sbom-path", "--build-date", "--include-paths");
    assertThat(run("publish", "--help").out()).contains("--local", "--image-refs", "--package-append", "--vcs");
    assertThat(run("build-minirootfs", "--help").out()).contains("--build-arch", "--package-append");
    assertThat(run("show-config", "--help").out())
        .contains("--keyring-append", "--repository-append", "--build-repository-append", "--cache-dir", "--offline");
    assertThat(run("--help").out()).contains("--workdir", "build-cpio", "dot", "install-keys", "clean");
  }

  private static void copy(Path from, Path to) throws Exception {
    try (var files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  static List<String> lines(String s) {
    return new ArrayList<>(s.lines().toList());
  }
}
