package dev.apkofarm.core.apk.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.archive.TarEntry;
import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.index.IndexReader;
import dev.apkofarm.core.apk.index.IndexWriter;
import dev.apkofarm.core.apk.repo.RepositoryWriter;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import dev.apkofarm.core.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageWriterTest {
  private static final SigningKey KEY = SigningKey.generate("test.rsa.pub", 2048);

  @TempDir Path dir;

  private static PackageSpec spec() {
    return PackageSpec.builder("hello", "1.2.3-r4", "x86_64")
        .description("a test package")
        .license("MIT")
        .buildDate(1700000000L)
        .depends("busybox", "so:libc.musl-x86_64.so.1")
        .provides("cmd:hello=1.2.3-r4")
        .replaces("hello-old")
        .installIf("hello-base", "docs")
        .providerPriority(10)
        .triggers(List.of("/usr/share/hello"))
        .script(".post-install", "#!/bin/sh\necho hi\n")
        .build();
  }

  private static PackageContent content() {
    String longName = "usr/share/" + "deep/".repeat(25) + "file.txt";
    return PackageContent.builder()
        .file("usr/bin/hello", "#!/bin/sh\necho hello\n", 04755)
        .xattr("usr/bin/hello", "security.capability", new byte[] {1, 0, 0, 2, (byte) 0xff, 0})
        .hardlink("usr/bin/hello2", "usr/bin/hello")
        .symlink("bin/hello", "/usr/bin/hello")
        .directory("tmp", 01777)
        .file(longName, "deep", 0644)
        .file("etc/owned", "x", 0600)
        .owner("etc/owned", 100, 101)
        .build();
  }

  private record Seen(TarEntry entry, String content) {}

  private static Map<String, Seen> entries(ApkPackage pkg) throws Exception {
    Map<String, Seen> out = new LinkedHashMap<>();
    try (ApkPackage.DataReader r = pkg.data()) {
      TarEntry e;
      while ((e = r.next()) != null) {
        out.put(e.name(), new Seen(e, new String(r.content().readAllBytes(), StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  @Test
  void writesAPackageOurReaderVerifiesEntryForEntry() throws Exception {
    Path out = dir.resolve("hello-1.2.3-r4.apk");
    PackageInfo info = PackageWriter.write(spec(), content(), Optional.of(KEY), SignatureAlgorithm.RSA_SHA256, out);
    assertThat(info.name()).isEqualTo("hello");
    assertThat(info.size()).isEqualTo(Files.size(out));
    assertThat(info.installIf()).containsExactly("hello-base", "docs");

    ApkPackage pkg = ApkPackage.open(out, info);
    assertThat(pkg.signers()).containsExactly("test.rsa.pub");
    assertThat(pkg.signatureVerifies(Keyring.of(List.of(KEY.publicKey())))).isTrue();
    assertThat(pkg.controlFiles()).containsOnlyKeys(".post-install");
    assertThat(pkg.info().depends()).containsExactly("busybox", "so:libc.musl-x86_64.so.1");
    assertThat(pkg.info().providerPriority()).isEqualTo(10);
    assertThat(pkg.info().buildTime()).isEqualTo(1700000000L);
    assertThat(pkg.info()).isEqualTo(info);

    Map<String, Seen> seen = entries(pkg);
    assertThat(seen.keySet())
        .startsWith(
            "bin",
            "bin/hello",
            "etc",
            "etc/owned",
            "tmp",
            "usr",
            "usr/bin",
            "usr/bin/hello",
            "usr/bin/hello2",
            "usr/share",
            "usr/share/deep")
        .hasSize(10 + 25 + 1);
    assertThat(seen.get("usr/bin/hello").content()).isEqualTo("#!/bin/sh\necho hello\n");
  }

  @Test
  void keepsModesOwnersXattrsLinksAndLongNames() throws Exception {
    Path out = dir.resolve("hello.apk");
    PackageInfo info = PackageWriter.write(spec(), content(), Optional.of(KEY), SignatureAlgorithm.RSA_SHA256, out);
    ApkPackage pkg = ApkPackage.open(out, info);
    Map<String, TarEntry> all = new LinkedHashMap<>();
    try (ApkPackage.DataReader r = pkg.data()) {
      TarEntry e;
      while ((e = r.next()) != null) {
        all.put(e.name(), e);
      }
    }
    TarEntry hello = all.get("usr/bin/hello");
    assertThat(hello.mode()).isEqualTo(04755);
    assertThat(hello.xattrs().get("security.capability")).containsExactly(1, 0, 0, 2, 0xff, 0);
    assertThat(hello.checksumSha1()).isPresent();
    assertThat(hello.mtime().getEpochSecond()).isEqualTo(1700000000L);
    assertThat(all.get("usr/bin/hello2").type()).isEqualTo(TarEntry.Type.HARDLINK);
    assertThat(all.get("usr/bin/hello2").linkName()).isEqualTo("usr/bin/hello");
    assertThat(all.get("bin/hello").linkName()).isEqualTo("/usr/bin/hello");
    assertThat(all.get("tmp").mode()).isEqualTo(01777);
    assertThat(all.get("etc/owned").uid()).isEqualTo(100);
    assertThat(all.get("etc/owned").gid()).isEqualTo(101);
    assertThat(all.keySet()).anyMatch(n -> n.endsWith("deep/file.txt") && n.length() > 100);
  }

  @Test
  void sameInputGivesSameBytes() throws Exception {
    Path a = dir.resolve("a/hello.apk");
    Path b = dir.resolve("b/hello.apk");
    PackageWriter.write(spec(), content(), Optional.of(KEY), SignatureAlgorithm.RSA_SHA256, a);
    PackageWriter.write(spec(), content(), Optional.of(KEY), SignatureAlgorithm.RSA_SHA256, b);
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
  }

  @Test
  void directoriesPackTheSameWhateverTheirMtimesAndCreationOrder() throws Exception {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    Files.createDirectories(first.resolve("usr/bin"));
    Files.writeString(first.resolve("usr/bin/tool"), "tool");
    Files.writeString(first.resolve("README"), "read me");
    Files.createSymbolicLink(first.resolve("link"), Path.of("usr/bin/tool"));
    Files.createLink(first.resolve("usr/bin/tool2"), first.resolve("usr/bin/tool"));
    Files.createDirectories(second.resolve("usr/bin"));
    Files.writeString(second.resolve("README"), "read me");
    Files.writeString(second.resolve("usr/bin/tool"), "tool");
    Files.createLink(second.resolve("usr/bin/tool2"), second.resolve("usr/bin/tool"));
    Files.createSymbolicLink(second.resolve("link"), Path.of("usr/bin/tool"));
    for (Path root : List.of(first, second)) {
      Files.setPosixFilePermissions(root.resolve("usr/bin/tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(root.resolve("README"), PosixFilePermissions.fromString("rw-r--r--"));
      Files.setPosixFilePermissions(root.resolve("usr"), PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(root.resolve("usr/bin"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.setLastModifiedTime(second.resolve("README"), FileTime.fromMillis(123_000));
    Path a = dir.resolve("a.apk");
    Path b = dir.resolve("b.apk");
    PackageSpec spec = PackageSpec.builder("tools", "1-r0", "aarch64").build();
    PackageWriter.write(spec, PackageContent.fromDirectory(first, false), Optional.of(KEY), SignatureAlgorithm.RSA_SHA256, a);
    PackageWriter.write(spec, PackageContent.fromDirectory(second, false), Optional.of(KEY), SignatureAlgorithm.RSA_SHA256, b);
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    ApkPackage pkg = ApkPackage.open(a, "tools", Optional.empty(), 1 << 20);
    Map<String, Seen> seen = entries(pkg);
    assertThat(seen.get("usr/bin/tool2").entry().type()).isEqualTo(TarEntry.Type.HARDLINK);
    assertThat(seen.get("link").entry().linkName()).isEqualTo("usr/bin/tool");
    assertThat(seen.get("usr/bin/tool").entry().mode()).isEqualTo(0755);
    assertThat(seen.get("README").content()).isEqualTo("read me");
  }

  @Test
  void refusesInvalidSpecsAndPaths() {
    assertThatThrownBy(() -> PackageSpec.builder("x", "not-a-version", "x86_64").build())
        .hasMessageContaining("not-a-version");
    assertThatThrownBy(() -> PackageSpec.builder("x", "1", "x86_64").description("C# tool").build())
        .hasMessageContaining("'#'");
    assertThatThrownBy(() -> PackageSpec.builder("x", "1", "x86_64").script(".weird", "").build())
        .hasMessageContaining(".weird");
    assertThatThrownBy(() -> PackageContent.builder().file("../x", "y", 0644)).hasMessageContaining("../x");
    assertThatThrownBy(() -> PackageContent.builder().file("/x", "y", 0644)).hasMessageContaining("/x");
    assertThatThrownBy(() -> PackageContent.builder().hardlink("a", "b").build()).hasMessageContaining("hardlink a");
  }

  @Test
  void leavesNothingBehindWhenWritingFails() throws Exception {
    Path missing = dir.resolve("gone.txt");
    PackageContent content = PackageContent.builder().file("gone", missing, 0644).build();
    Path out = dir.resolve("out/x-1-r0.apk");
    assertThatThrownBy(
            () -> PackageWriter.write(PackageSpec.builder("x", "1-r0", "x86_64").build(), content, Optional.of(KEY), SignatureAlgorithm.RSA_SHA256, out))
        .hasMessageContaining("gone.txt");
    try (var files = Files.list(dir.resolve("out"))) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void indexesARepositoryOurReaderVerifies() throws Exception {
    RepositoryWriter repo = new RepositoryWriter(dir.resolve("repo"), KEY);
    PackageInfo a = repo.add(spec(), content());
    PackageInfo b =
        repo.add(PackageSpec.builder("busybox", "1.36.1-r0", "x86_64").provides("/bin/sh").build(), PackageContent.builder().file("bin/busybox", "bb", 0755).build());
    repo.add(PackageSpec.builder("busybox", "1.36.1-r0", "aarch64").build(), PackageContent.builder().build());
    assertThat(repo.writeIndexes()).hasSize(2);
    Keyring ring = Keyring.load(List.of(repo.keyFile()));
    byte[] archive = Files.readAllBytes(dir.resolve("repo/x86_64/APKINDEX.tar.gz"));
    ApkIndex index = IndexReader.read(archive, "repo", ring, true);
    // An index lists everything .PKGINFO says but the triggers.
    assertThat(index.packages()).containsExactly(b, a.toBuilder().triggers(List.of()).build());
    ApkPackage.open(dir.resolve("repo/x86_64/hello-1.2.3-r4.apk"), index.packages().get(1));
    byte[] again = Files.readAllBytes(dir.resolve("repo/x86_64/APKINDEX.tar.gz"));
    repo.writeIndexes();
    assertThat(Files.readAllBytes(dir.resolve("repo/x86_64/APKINDEX.tar.gz"))).isEqualTo(again);
  }

  @Test
  void indexRefusesAMisnamedPackage() throws Exception {
    RepositoryWriter repo = new RepositoryWriter(dir.resolve("repo"), KEY);
    repo.add(spec(), content());
    Files.move(dir.resolve("repo/x86_64/hello-1.2.3-r4.apk"), dir.resolve("repo/x86_64/other.apk"));
    assertThatThrownBy(repo::writeIndexes)
        .isInstanceOf(PackageVerificationException.class)
        .hasMessageContaining("other.apk");
  }

  @Test
  void indexTextRoundTripsEveryAlpinePackage() throws Exception {
    byte[] archive = Files.readAllBytes(Fixtures.apko("apk/alpine-316/APKINDEX.tar.gz"));
    ApkIndex alpine = IndexReader.read(archive, "alpine", Keyring.empty(), false);
    Path out = dir.resolve("APKINDEX.tar.gz");
    IndexWriter.write(out, alpine.packages(), Optional.of(KEY), SignatureAlgorithm.RSA_SHA1, "again");
    ApkIndex again = IndexReader.read(Files.readAllBytes(out), "again", Keyring.of(List.of(KEY.publicKey())), true);
    assertThat(again.packages()).isEqualTo(alpine.packages());
    assertThat(again.description()).isEqualTo("again");
  }
}
