package dev.apkofarm.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code include}: lookup, apko's merge rules, nesting, cycles, and what the lock step records. */
class IncludeTest {
  @TempDir Path dir;

  private void write(String name, String yaml) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, yaml);
  }

  private LoadedConfig load(String name) throws ConfigException {
    return new ConfigLoader(dir).load(name);
  }

  private static final String BASE =
      """
      contents:
        build_repositories: [base-build]
        runtime_repositories: [base-runtime]
        repositories: [base-repo]
        keyring: [base.pub]
        runtime_keyring:
          - {name: base.pub, content: B}
        packages: [base-pkg]
        baseimage: {image: ./base-img, apkindex: ./base-idx}
      entrypoint:
        command: /base/entry
      cmd: base-cmd
      stop-signal: SIGINT
      work-dir: /base
      accounts:
        run-as: base-user
        users: [{username: base-user, uid: 100}]
        groups: [{groupname: base-group, gid: 100}]
      archs: [x86_64]
      environment: {SHARED: from-base, BASE_ONLY: b}
      paths: [{path: /base, type: directory}]
      vcs-url: https://git.example.org/base@abc
      annotations: {shared: from-base, base.only: b}
      volumes: [/base-vol]
      layering: {strategy: origin, budget: 2}
      format: tar
      certificates: {providers: [base-ca]}
      """;

  @Test
  void emptyTargetTakesEverythingButVcsUrlFromTheBase() throws Exception {
    write("base.yaml", BASE.replace("  baseimage: {image: ./base-img, apkindex: ./base-idx}\n", ""));
    write("top.yaml", "include: base.yaml\n");

    ImageConfig c = load("top.yaml").config();
    ImageConfig base = load("base.yaml").config();

    // apko's MergeInto never copies vcs-url; include stays the including file's.
    assertThat(c).isEqualTo(base.toBuilder().vcsUrl(Optional.empty()).include(Optional.of("base.yaml")).build());
  }

  @Test
  void targetScalarsWinListsConcatenateBaseFirstMapsGainMissingKeys() throws Exception {
    // (no layering in the base: with the target's erofs it would be refused, see the next test)
    write(
        "base.yaml",
        BASE.replace("  baseimage: {image: ./base-img, apkindex: ./base-idx}\n", "")
            .replace("layering: {strategy: origin, budget: 2}\n", ""));
    write(
        "top.yaml",
        """
        include: base.yaml
        contents:
          build_repositories: [top-build]
          runtime_repositories: [top-runtime]
          repositories: [top-repo]
          keyring: [top.pub]
          runtime_keyring:
            - {name: top.pub, content: T}
          packages: [top-pkg]
        entrypoint:
          shell-fragment: echo top
        cmd: top-cmd
        stop-signal: SIGTERM
        work-dir: /top
        accounts:
          run-as: top-user
          users: [{username: top-user, uid: 200}]
          groups: [{groupname: top-group, gid: 200}]
        archs: [arm64]
        environment: {SHARED: from-top, TOP_ONLY: t}
        paths: [{path: /top, type: empty-file}]
        annotations: {shared: from-top}
        volumes: [/top-vol]
        format: erofs
        certificates: {providers: [top-ca]}
        """);

    ImageConfig c = load("top.yaml").config();

    ImageContents contents = c.contents();
    assertThat(contents.buildRepositories()).containsExactly("base-build", "top-build");
    assertThat(contents.runtimeRepositories()).containsExactly("base-runtime", "top-runtime");
    assertThat(contents.repositories()).containsExactly("base-repo", "top-repo");
    assertThat(contents.keyring()).containsExactly("base.pub", "top.pub");
    assertThat(contents.runtimeKeyring()).containsExactly(new RuntimeKey("base.pub", "B"), new RuntimeKey("top.pub", "T"));
    assertThat(contents.packages()).containsExactly("base-pkg", "top-pkg");
    assertThat(c.entrypoint().shellFragment()).contains("echo top");
    assertThat(c.entrypoint().command()).as("entrypoint is taken whole, never field by field").isEmpty();
    assertThat(c.cmd()).contains("top-cmd");
    assertThat(c.stopSignal()).contains("SIGTERM");
    assertThat(c.workDir()).contains("/top");
    assertThat(c.accounts().runAs()).contains("top-user");
    assertThat(c.accounts().users()).extracting(User::username).containsExactly("base-user", "top-user");
    assertThat(c.accounts().groups()).extracting(Group::groupname).containsExactly("base-group", "top-group");
    assertThat(c.archs()).containsExactly(Arch.ARM64);
    assertThat(c.environment())
        .containsExactly(
            Map.entry("SHARED", "from-top"), Map.entry("TOP_ONLY", "t"), Map.entry("BASE_ONLY", "b"));
    assertThat(c.paths()).extracting(PathMutation::path).containsExactly("/base", "/top");
    assertThat(c.annotations()).containsExactly(Map.entry("shared", "from-top"), Map.entry("base.only", "b"));
    assertThat(c.volumes()).containsExactly("/base-vol", "/top-vol");
    assertThat(c.format()).contains(LayerFormat.EROFS);
    assertThat(c.layering()).isEmpty();
    assertThat(c.certificates().orElseThrow().providers()).containsExactly("top-ca");
  }

  @Test
  void baseLayeringWithTargetErofsIsRefusedWhereLayeringIsWritten() throws Exception {
    write("base.yaml", "layering: {strategy: origin, budget: 2}\n");
    write("top.yaml", "include: base.yaml\nformat: erofs\n");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load("top.yaml"));

    assertThat(e.getMessage()).startsWith("base.yaml:1:11: layering: layering is not supported with format erofs");
  }

  @Test
  void emptySectionInTargetBlocksTheBasesSection() throws Exception {
    write("base.yaml", "layering: {strategy: origin, budget: 2}\ncertificates: {providers: [x]}\n");
    write("top.yaml", "include: base.yaml\nlayering: {}\ncertificates: {}\n");

    ImageConfig c = load("top.yaml").config();

    assertThat(c.layering()).contains(new Layering(Optional.empty(), 0));
    assertThat(c.certificates()).contains(new Certificates(List.of(), List.of()));
  }

  @Test
  void nestedIncludesMergeInnermostFirst() throws Exception {
    write("a.yaml", "contents: {packages: [a]}\nenvironment: {X: a, A: a}\ncmd: from-a\n");
    write("b.yaml", "include: a.yaml\ncontents: {packages: [b]}\nenvironment: {X: b}\n");
    write("c.yaml", "include: b.yaml\ncontents: {packages: [c]}\n");

    LoadedConfig loaded = load("c.yaml");

    assertThat(loaded.config().contents().packages()).containsExactly("a", "b", "c");
    assertThat(loaded.config().environment()).containsExactly(Map.entry("X", "b"), Map.entry("A", "a"));
    assertThat(loaded.config().cmd()).contains("from-a");
    assertThat(loaded.sources()).extracting(LoadedConfig.Source::name).containsExactly("c.yaml", "b.yaml", "a.yaml");
  }

  @Test
  void includeIsRelativeToTheWorkingDirectoryAsInApko() throws Exception {
    write("configs/base.yaml", "contents: {packages: [from-configs]}\n");
    write("base.yaml", "contents: {packages: [from-workdir]}\n");
    write("configs/top.yaml", "include: base.yaml\n");

    assertThat(load("configs/top.yaml").config().contents().packages()).containsExactly("from-workdir");
  }

  @Test
  void includeFallsBackToTheIncludingFilesDirectory() throws Exception {
    write("configs/base.yaml", "contents: {packages: [beside]}\n");
    write("configs/top.yaml", "include: base.yaml\n");

    LoadedConfig loaded = load("configs/top.yaml");

    assertThat(loaded.config().contents().packages()).containsExactly("beside");
    assertThat(loaded.sources().get(1).name()).isEqualTo("configs/base.yaml");
  }

  @Test
  void configAndIncludesAreFoundThroughIncludePaths() throws Exception {
    write("testdata/overlay/base.yaml", "contents: {packages: [p]}\n");
    write("testdata/overlay/top.yaml", "include: overlay/base.yaml\n");

    LoadedConfig loaded = new ConfigLoader(dir, List.of(Path.of("testdata"))).load("overlay/top.yaml");

    assertThat(loaded.name()).isEqualTo("overlay/top.yaml");
    assertThat(loaded.path()).isEqualTo(dir.resolve("testdata/overlay/top.yaml"));
    assertThat(loaded.config().contents().packages()).containsExactly("p");
  }

  @Test
  void includeCycleIsAnErrorNamingTheChain() throws Exception {
    write("a.yaml", "include: b.yaml\n");
    write("b.yaml", "cmd: x\ninclude: ./a.yaml\n");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load("a.yaml"));

    assertThat(e.getMessage()).isEqualTo("b.yaml:2:10: include: include cycle: a.yaml -> b.yaml -> ./a.yaml");
  }

  @Test
  void selfIncludeIsACycle() throws Exception {
    write("a.yaml", "include: a.yaml\n");

    assertThat(catchThrowableOfType(ConfigException.class, () -> load("a.yaml")).getMessage())
        .isEqualTo("a.yaml:1:10: include: include cycle: a.yaml -> a.yaml");
  }

  @Test
  void missingIncludeNamesWhereItLooked() throws Exception {
    write("sub/top.yaml", "contents: {packages: [x]}\ninclude: gone.yaml\n");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load("sub/top.yaml"));

    assertThat(e.getMessage())
        .isEqualTo(
            "sub/top.yaml:2:10: include: cannot find \"gone.yaml\" (looked in " + dir.toAbsolutePath().normalize()
                + ", " + dir.resolve("sub").toAbsolutePath().normalize() + ")");
  }

  @Test
  void errorsInAnIncludedFileNameThatFile() throws Exception {
    write("base.yaml", "contents:\n  packages: [a]\naccounts:\n  users: [{username: r, uid: 0}]\n");
    write("top.yaml", "include: base.yaml\n");

    assertThat(catchThrowableOfType(ConfigException.class, () -> load("top.yaml")).getMessage())
        .startsWith("base.yaml:4:30: accounts.users[0].uid: must not be 0");
  }

  @Test
  void checksumCoversEveryFileReadInApkosOrder() throws Exception {
    String a = "contents: {packages: [a]}\n";
    String top = "include: a.yaml\ncmd: x\n";
    write("a.yaml", a);
    write("top.yaml", top);

    LoadedConfig loaded = load("top.yaml");

    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(top.getBytes(StandardCharsets.UTF_8));
    sha.update(a.getBytes(StandardCharsets.UTF_8));
    assertThat(loaded.checksum()).isEqualTo("sha256-" + Base64.getEncoder().encodeToString(sha.digest()));
    assertThat(loaded.topLevelBytes()).isEqualTo(top.getBytes(StandardCharsets.UTF_8));
    assertThat(loaded.workDir()).isEqualTo(dir.toAbsolutePath().normalize());
  }

  @Test
  void serviceBundleFromAnIncludeIsAppliedOnceToTheMergedConfig() throws Exception {
    write("base.yaml", "entrypoint:\n  type: service-bundle\n  services: {web: /bin/web}\ncontents: {packages: [a]}\n");
    write("top.yaml", "include: base.yaml\ncontents: {packages: [b]}\n");

    ImageConfig c = load("top.yaml").config();

    assertThat(c.contents().packages()).containsExactly("a", "b", "s6");
    assertThat(c.entrypointArgv()).containsExactly("/bin/s6-svscan", "/sv");
  }
}
