package dev.apkofarm.core.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.fs.Symlink;
import dev.apkofarm.core.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InstallerTest {
  private final ImageTree tree = new ImageTree();
  private Installer installer;

  @BeforeEach
  void initDatabase() throws Exception {
    ApkDatabase.init(tree, "x86_64");
    installer = new Installer(tree, 0);
  }

  private String text(String path) throws Exception {
    return new String(tree.readFile(path), StandardCharsets.UTF_8);
  }

  static byte[] goldenFile(String blob, String path) throws Exception {
    try (InputStream in =
            new GZIPInputStream(
                Files.newInputStream(Fixtures.apkoCli().resolve("testdata/golden/blobs/sha256").resolve(blob)));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (e.getName().equals(path)) {
          return tar.readAllBytes();
        }
      }
    }
    throw new AssertionError(path + " not in golden layer");
  }

  @Test
  void writesTheInstalledDatabaseExactlyAsApkoForTheGoldenPackages() throws Exception {
    TestArchive base =
        TestArchive.of(
                TestArchive.meta(
                    "pretend-baselayout", "pretend-baselayout", List.of(), "m6wB0UFePGN8Drz82pC8y2uAiu8="))
            .dir("etc")
            .file("etc/os-release", "base", 0644, 501, 20, "2a1171b49b2e3d59abad728c7b0480736ff792eb")
            .dir("var")
            .dir("var/lib")
            .dir("var/lib/db")
            .dir("var/lib/db/sbom")
            .file("var/lib/db/sbom/pretend-baselayout-1.0.0-r0.spdx.json", "{}", 0644, 0, 0,
                "e5df88297ad52b5a3ca4e0236c716a9c37c0c086");
    PackageInfo replayoutMeta =
        PackageInfo.builder("replayout", "1.0.0-r0").arch("x86_64").license("MIT")
            .description("replacement baselayout").origin("replayout").maintainer("unknown")
            .depends(List.of("pretend-baselayout")).replaces(List.of("pretend-baselayout"))
            .commit("326e0ed687bdfeadac839dc9b25686e4442c9d04").size(2961).installedSize(3389)
            .checksum("Q11/HhSewwwOXgl0r0ffb0O0BRtYc=").build();
    PackageInfo baseMeta = base.meta();
    baseMeta =
        baseMeta.toBuilder().depends(List.of()).provides(List.of()).replaces(List.of()).installIf(List.of())
            .buildTime(0).size(2930).installedSize(3476).providerPriority(0).triggers(List.of()).build();
    TestArchive baseFixed = TestArchive.of(baseMeta);
    base.dataEntries().forEach(baseFixed.dataEntries()::add);
    TestArchive replayout =
        TestArchive.of(replayoutMeta)
            .dir("etc")
            .file("etc/os-release", "replaced", 0644, 501, 20, "ca5e527bbb8a5cc9c4c2d2b4e29618d8ca3be5f8")
            .dir("var")
            .dir("var/lib")
            .dir("var/lib/db")
            .dir("var/lib/db/sbom")
            .file("var/lib/db/sbom/replayout-1.0.0-r0.spdx.json", "{}", 0644, 0, 0,
                "e96777756f6f4231dc64abfb5a3e499e69b76b6d");

    installer.install(baseFixed);
    installer.install(replayout);
    List<InstalledPackage> installed = installer.finish();

    assertThat(tree.readFile(ApkDatabase.INSTALLED))
        .isEqualTo(
            goldenFile("c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738", ApkDatabase.INSTALLED));
    assertThat(text("etc/os-release")).isEqualTo("replaced");
    assertThat(tree.getFile("etc/os-release").uid()).isZero();
    assertThat(installed).extracting(p -> p.meta().name()).containsExactly("pretend-baselayout", "replayout");
    assertThat(tree.readlink("lib/apk")).isEqualTo("../usr/lib/apk");
    assertThat(tree.readFile(ApkDatabase.SCRIPTS)).hasSize(1024).containsOnly(0);
  }

  @Test
  void refusesConflictingFilesNamingBothPackages() throws Exception {
    installer.install(TestArchive.named("a", "a").dir("etc").file("etc/motd", "one"));

    assertThatThrownBy(() -> installer.install(TestArchive.named("b", "b").dir("etc").file("etc/motd", "two")))
        .isInstanceOf(FileConflictException.class)
        .hasMessageContaining("/etc/motd")
        .hasMessageContaining("a-1.0.0-r0")
        .hasMessageContaining("b-1.0.0-r0");
  }

  @Test
  void laterPackageWinsOnlyWhereItReplacesOrSharesTheOrigin() throws Exception {
    installer.install(TestArchive.named("a", "a").dir("etc").file("etc/motd", "one").file("etc/issue", "x"));
    installer.install(TestArchive.named("b", "b", "a").dir("etc").file("etc/motd", "two"));
    installer.install(TestArchive.named("a-extra", "a").dir("etc").file("etc/issue", "y"));

    assertThat(text("etc/motd")).isEqualTo("two");
    assertThat(text("etc/issue")).isEqualTo("y");
    assertThat(((RegularFile) tree.get("etc/motd")).ownerPackage()).contains("b");
  }

  @Test
  void earlierPackageKeepsItsFileWhenItReplacesTheLaterOne() throws Exception {
    installer.install(TestArchive.named("a", "a", "b").dir("etc").file("etc/motd", "one"));
    installer.install(TestArchive.named("b", "b").dir("etc").file("etc/motd", "two"));

    assertThat(text("etc/motd")).isEqualTo("one");
  }

  @Test
  void identicalFilesStayWithTheFirstPackageInTheDatabase() throws Exception {
    installer.install(TestArchive.named("a", "a").dir("etc").file("etc/motd", "same"));
    installer.install(TestArchive.named("b", "b").dir("etc").file("etc/motd", "same"));
    List<InstalledPackage> installed = installer.finish();

    assertThat(new String(installed.get(0).record(), StandardCharsets.UTF_8)).contains("R:motd");
    assertThat(new String(installed.get(1).record(), StandardCharsets.UTF_8)).doesNotContain("R:motd");
  }

  @Test
  void directoriesKeepTheFirstModeAndTakeTheLastTime() throws Exception {
    installer.install(TestArchive.named("a", "a").dir("srv", 0700, 10));
    installer.install(TestArchive.named("b", "b").dir("srv", 0755, 20));

    assertThat(tree.get("srv").mode()).isEqualTo(0700);
    assertThat(tree.get("srv").mtime()).isEqualTo(20);
  }

  @Test
  void directoryEntriesOverSymlinksToDirectoriesDateTheTarget() throws Exception {
    installer.install(TestArchive.named("a", "a").dir("usr").dir("usr/lib").symlink("lib", "usr/lib"));
    installer.install(TestArchive.named("b", "b").dir("lib", 0700, 42).file("lib/libz.so", "elf"));

    assertThat(tree.lstat("lib")).containsInstanceOf(Symlink.class);
    assertThat(tree.lstat("usr/lib/libz.so")).containsInstanceOf(RegularFile.class);
    assertThat(tree.get("usr/lib").mtime()).isEqualTo(42);
    assertThat(tree.get("usr/lib").mode()).isEqualTo(0755);
  }

  @Test
  void hardlinksBecomeSecondNamesOfTheSameFile() throws Exception {
    installer.install(
        TestArchive.named("a", "a").dir("bin").file("bin/true", "elf").hardlink("bin/false", "bin/true"));

    assertThat(tree.lstat("bin/false").get()).isSameAs(tree.lstat("bin/true").get());
    assertThat(tree.get("bin/true").hardlinkTargetFor("bin/false")).contains("bin/true");
  }

  @Test
  void recordsExecutableControlFilesInScriptsTarAndNeverRunsThem() throws Exception {
    installer.install(
        TestArchive.named("a", "a")
            .dir("etc")
            .script(".post-install", "#!/bin/sh\nrm -rf /\n", 0755)
            .script(".melange.yaml", "x", 0644));
    installer.finish();

    try (TarArchiveInputStream t =
        new TarArchiveInputStream(new ByteArrayInputStream(tree.readFile(ApkDatabase.SCRIPTS)))) {
      TarArchiveEntry e = t.getNextEntry();
      assertThat(e.getName()).isEqualTo("a-1.0.0-r0.Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=.post-install");
      assertThat(new String(t.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("#!/bin/sh\nrm -rf /\n");
      assertThat(t.getNextEntry()).isNull();
    }
  }

  @Test
  void keepsExtendedAttributes() throws Exception {
    installer.install(
        TestArchive.named("a", "a").dir("bin").file("bin/ping", "elf").xattr("security.capability", new byte[] {1}));

    assertThat(tree.get("bin/ping").xattrs()).containsKey("security.capability");
  }

  @Test
  void laysOutTheApkDatabaseLikeApkoInitDb() throws Exception {
    assertThat(tree.get("tmp").mode()).isEqualTo(01777);
    assertThat(tree.get("proc").mode()).isEqualTo(0555);
    assertThat(tree.get("usr/lib/apk/db/lock").mode()).isEqualTo(0600);
    assertThat(text("etc/apk/arch")).isEqualTo("x86_64\n");
    assertThat(tree.get("var/cache/misc")).isInstanceOf(Directory.class);
  }
}
