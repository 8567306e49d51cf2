package dev.apkofarm.core.testing.debian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.io.TemporaryDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stages the E2E distribution from real Debian packages (downloaded once into the user cache). */
class DebianStagingIT {
  private static final DebianArchive ARCHIVE = DebianArchive.inUserCache();

  @TempDir Path work;

  @BeforeAll
  static void needsDebian() {
    DebianArchive.assumeAvailable(Arch.AMD64, Arch.ARM64);
  }

  /** Staged trees hold absolute symlinks (e.g. the loader's); removing them here keeps JUnit from warning. */
  @AfterEach
  void removeStagedTrees() throws IOException {
    try (var children = Files.list(work)) {
      for (Path child : children.toList()) {
        TemporaryDirectory.deleteTree(child);
      }
    }
  }

  @Test
  void s6DependsOnItsLibrariesOnlyThroughSoNames() throws IOException {
    DebianStaging staging = new DebianStaging(ARCHIVE, work);
    for (Arch arch : List.of(Arch.AMD64, Arch.ARM64)) {
      StagedPackage s6 = staging.stage(TestDistribution.s6(), arch);
      // arm64's s6 also links the dynamic loader by name (so:ld-linux-aarch64.so.1); glibc provides it.
      assertThat(s6.depends())
          .contains("so:libc.so.6", "so:libexecline.so.2.9", "so:libskarnet.so.2.13")
          .allMatch(d -> d.startsWith("so:libc.so.") || d.startsWith("so:ld-linux-") || d.startsWith("so:libexecline.")
              || d.startsWith("so:libskarnet."));
      assertThat(s6.provides()).containsExactly("so:libs6.so.2.11=2.11");
      assertThat(s6.version()).matches("2\\.11\\.\\d+(\\.\\d+)*-r\\d+");
      assertThat(s6.root().resolve("usr/bin/s6-svscan")).isExecutable();
      assertThat(Files.readSymbolicLink(s6.root().resolve("bin/s6-svscan"))).isEqualTo(Path.of("/usr/bin/s6-svscan"));
      assertThat(s6.root().resolve("usr/share/doc")).doesNotExist();
    }
  }

  @Test
  void everySoDependencyOfTheDistributionIsProvidedWithinIt() throws IOException {
    DebianStaging staging = new DebianStaging(ARCHIVE, work);
    List<ApkRecipe> recipes = TestDistribution.recipes("/bin/sh\n");
    for (Arch arch : List.of(Arch.AMD64, Arch.ARM64)) {
      List<StagedPackage> all = staging.stageAll(recipes, arch);
      java.util.Set<String> provided = new java.util.TreeSet<>();
      all.forEach(p -> p.provides().forEach(v -> provided.add(v.replaceFirst("=.*", ""))));
      java.util.Set<String> wanted = new java.util.TreeSet<>();
      all.forEach(p -> wanted.addAll(p.depends()));
      assertThat(wanted).as("so: depends on %s", arch).isNotEmpty().isSubsetOf(provided);
    }
  }

  @Test
  void glibcIsSelfContainedAndProvidesTheLoaderOfEachArch() throws IOException {
    DebianStaging staging = new DebianStaging(ARCHIVE, work);
    StagedPackage amd64 = staging.stage(TestDistribution.glibc(), Arch.AMD64);
    StagedPackage arm64 = staging.stage(TestDistribution.glibc(), Arch.ARM64);
    assertThat(amd64.depends()).isEmpty();
    assertThat(arm64.depends()).isEmpty();
    assertThat(amd64.provides()).contains("so:libc.so.6=6", "so:ld-linux-x86-64.so.2=2");
    assertThat(arm64.provides()).contains("so:libc.so.6=6", "so:ld-linux-aarch64.so.1=1");
    assertThat(amd64.root().resolve("lib64/ld-linux-x86-64.so.2")).isSymbolicLink();
    assertThat(arm64.root().resolve("lib/ld-linux-aarch64.so.1")).isSymbolicLink();
  }

  @Test
  void busyboxIsStaticAndListsItsApplets() throws IOException {
    String applets = TestDistribution.busyboxApplets(ARCHIVE, work);
    assertThat(applets.lines()).contains("/bin/sh", "/bin/echo", "/usr/bin/id", "/bin/uname");
    StagedPackage busybox = new DebianStaging(ARCHIVE, work).stage(TestDistribution.busybox(applets), Arch.ARM64);
    assertThat(busybox.depends()).isEmpty();
    assertThat(busybox.root().resolve("bin/busybox")).isExecutable();
    assertThat(busybox.root().resolve("etc/busybox-paths.d/busybox")).hasContent(applets.strip());
    assertThat(busybox.root().resolve("usr/share")).doesNotExist();
  }
}
