package dev.apkofarm.core.apk.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.archive.TarEntry;
import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.index.IndexReader;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApkPackageTest {
  @TempDir Path dir;

  private static Path cliRepo(String arch) {
    return Fixtures.apkoCli().resolve("testdata/packages/" + arch);
  }

  private static PackageInfo indexEntry(String arch, String name) throws Exception {
    Path repo = Fixtures.apkoCli().resolve("testdata/packages");
    ApkIndex index =
        IndexReader.read(
            Files.readAllBytes(repo.resolve(arch + "/APKINDEX.tar.gz")),
            arch,
            Keyring.load(List.of(repo.resolve("melange.rsa.pub"))),
            true);
    return index.packages().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void layoutMatchesTheRangesAndChecksumsApkoLocks() throws Exception {
    ApkLayout l = ApkLayout.scan(cliRepo("x86_64").resolve("pretend-baselayout-1.0.0-r0.apk"), "p");
    assertThat(l.signature().orElseThrow().range()).isEqualTo("bytes=0-646");
    assertThat(l.signature().orElseThrow().checksum()).isEqualTo("sha1-S+THz+JYZxcNzNCw2jI9YlnDnE4=");
    assertThat(l.control().range()).isEqualTo("bytes=647-1628");
    assertThat(l.control().checksum()).isEqualTo("sha1-m6wB0UFePGN8Drz82pC8y2uAiu8=");
    assertThat(l.data().range()).isEqualTo("bytes=1629-2929");
    assertThat(l.data().checksum()).isEqualTo("sha256-ckBapsaMu5EOb/e4Ei1s2l/+dZMEamHhUmaoJ8yeZwg=");
    ApkLayout a = ApkLayout.scan(cliRepo("aarch64").resolve("pretend-baselayout-1.0.0-r0.apk"), "p");
    assertThat(a.signature().orElseThrow().range()).isEqualTo("bytes=0-647");
  }

  @Test
  void opensAVerifiedPackageWithMetadataAndEntries() throws Exception {
    PackageInfo expected = indexEntry("x86_64", "replayout");
    ApkPackage pkg = ApkPackage.open(cliRepo("x86_64").resolve("replayout-1.0.0-r0.apk"), expected);
    assertThat(pkg.checksum()).isEqualTo(expected.checksum().orElseThrow());
    assertThat(pkg.info().name()).isEqualTo("replayout");
    assertThat(pkg.info().replaces()).containsExactly("pretend-baselayout");
    assertThat(pkg.info().url()).isEmpty();
    assertThat(pkg.controlFiles()).containsOnlyKeys(".melange.yaml");
    assertThat(pkg.signers()).containsExactly("melange.rsa.pub");
    Keyring ring = Keyring.load(List.of(Fixtures.apkoCli().resolve("testdata/packages/melange.rsa.pub")));
    assertThat(pkg.signatureVerifies(ring)).isTrue();

    List<String> seen = new ArrayList<>();
    String osRelease = null;
    try (ApkPackage.DataReader r = pkg.data()) {
      TarEntry e;
      while ((e = r.next()) != null) {
        seen.add(e.type() + " " + e.name() + " " + Integer.toOctalString(e.mode()));
        if (e.name().equals("etc/os-release")) {
          assertThat(e.uid()).isEqualTo(501);
          assertThat(e.gid()).isEqualTo(20);
          byte[] content = r.content().readAllBytes();
          osRelease = new String(content, StandardCharsets.UTF_8);
          assertThat(HexFormat.of().formatHex(e.checksumSha1().orElseThrow()))
              .isEqualTo("ca5e527bbb8a5cc9c4c2d2b4e29618d8ca3be5f8");
          assertThat(content).hasSize((int) e.size());
        }
      }
    }
    assertThat(seen)
        .containsExactly(
            "DIRECTORY etc 755",
            "FILE etc/os-release 644",
            "DIRECTORY var 755",
            "DIRECTORY var/lib 755",
            "DIRECTORY var/lib/db 755",
            "DIRECTORY var/lib/db/sbom 755",
            "FILE var/lib/db/sbom/replayout-1.0.0-r0.spdx.json 644");
    assertThat(osRelease).contains("ID=");
  }

  @Test
  void readsUnsignedTwoSectionPackagesAndAbuildScripts() throws Exception {
    ApkPackage hello =
        ApkPackage.open(Fixtures.apko("apk/hello-0.1.0-r0.apk"), "hello", Optional.empty(), 1 << 20);
    assertThat(hello.layout().signature()).isEmpty();
    assertThat(hello.info().depends()).containsExactly("busybox");
    ApkPackage base =
        ApkPackage.open(
            Fixtures.apko("apk/alpine-316/alpine-baselayout-3.2.0-r23.apk"), "base", Optional.empty(), 1 << 30);
    assertThat(base.controlFiles()).containsOnlyKeys(".pre-install", ".pre-upgrade", ".post-upgrade", ".post-install");
    assertThat(base.info().depends()).containsExactly("alpine-baselayout-data=3.2.0-r23", "/bin/sh", "so:libc.musl-aarch64.so.1");
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    base.copyDataTar(tar);
    assertThat(tar.size()).isEqualTo(153600);
  }

  @Test
  void contentOffsetsPointIntoTheUncompressedDataTar() throws Exception {
    ApkPackage pkg = ApkPackage.open(Fixtures.apko("apk/hello-wolfi-2.12.1-r0.apk"), "hello", Optional.empty(), 1 << 30);
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    pkg.copyDataTar(tar);
    byte[] all = tar.toByteArray();
    int files = 0;
    try (ApkPackage.DataReader r = pkg.data()) {
      TarEntry e;
      while ((e = r.next()) != null) {
        if (e.isFile()) {
          byte[] content = r.content().readAllBytes();
          byte[] atOffset = java.util.Arrays.copyOfRange(all, (int) e.contentOffset(), (int) (e.contentOffset() + e.size()));
          assertThat(atOffset).as(e.name()).isEqualTo(content);
          files++;
        }
      }
    }
    assertThat(files).isGreaterThan(40);
  }

  @Test
  void refusesAFlippedByteInTheDataSectionNamingThePackage() throws Exception {
    Path copy = dir.resolve("replayout.apk");
    byte[] b = Files.readAllBytes(cliRepo("x86_64").resolve("replayout-1.0.0-r0.apk"));
    b[b.length - 20] ^= 0x40;
    Files.write(copy, b);
    PackageInfo expected = indexEntry("x86_64", "replayout");
    assertThatThrownBy(() -> ApkPackage.open(copy, expected))
        .isInstanceOf(PackageVerificationException.class)
        .hasMessageContaining("package replayout-1.0.0-r0")
        .hasMessageContaining("datahash");
  }

  @Test
  void refusesAControlSectionTheIndexDoesNotList() throws Exception {
    Path copy = dir.resolve("replayout.apk");
    byte[] b = Files.readAllBytes(cliRepo("x86_64").resolve("replayout-1.0.0-r0.apk"));
    b[647 + 4] ^= 0x01; // the control member's gzip MTIME: still valid gzip, different bytes
    Files.write(copy, b);
    assertThatThrownBy(() -> ApkPackage.open(copy, indexEntry("x86_64", "replayout")))
        .isInstanceOf(PackageVerificationException.class)
        .hasMessageContaining("package replayout-1.0.0-r0")
        .hasMessageContaining("the index lists Q11/HhSewwwOXgl0r0ffb0O0BRtYc=");
  }

  @Test
  void refusesAPackageOfAnotherName() throws Exception {
    assertThatThrownBy(
            () -> ApkPackage.open(cliRepo("x86_64").resolve("pretend-baselayout-1.0.0-r0.apk"), indexEntry("x86_64", "replayout")))
        .isInstanceOf(PackageVerificationException.class)
        .hasMessageContaining("replayout-1.0.0-r0");
  }

  @Test
  void refusesTruncatedAndNonApkFiles() throws Exception {
    Path truncated = dir.resolve("t.apk");
    byte[] b = Files.readAllBytes(cliRepo("x86_64").resolve("replayout-1.0.0-r0.apk"));
    Files.write(truncated, java.util.Arrays.copyOf(b, 1000));
    assertThatThrownBy(() -> ApkPackage.open(truncated, "t", Optional.empty(), 1 << 20))
        .isInstanceOf(PackageVerificationException.class)
        .hasMessageContaining("package t");
    Path text = dir.resolve("x.apk");
    Files.writeString(text, "hello");
    assertThatThrownBy(() -> ApkPackage.open(text, "x", Optional.empty(), 1 << 20))
        .isInstanceOf(PackageVerificationException.class)
        .hasMessageContaining("not gzip");
  }

  @Test
  void refusesEntriesThatEscapeTheRoot() throws Exception {
    for (RawApk raw :
        List.of(
            new RawApk().file("usr/ok", "x").file("../outside", "pwned"),
            new RawApk().file("usr/../../outside", "pwned"),
            new RawApk().file("/etc/passwd", "root::0:0"),
            new RawApk().file("usr/ok", "x").link("usr/hard", "../../etc/shadow", TarConstants.LF_LINK))) {
      Path file = dir.resolve("evil.apk");
      Files.write(file, raw.build("evil", "1.0-r0"));
      ApkPackage pkg = ApkPackage.open(file, "evil-1.0-r0", Optional.empty(), 1 << 20);
      assertThatThrownBy(
              () -> {
                try (ApkPackage.DataReader r = pkg.data()) {
                  while (r.next() != null) {
                    // drain
                  }
                }
              })
          .isInstanceOf(PackageVerificationException.class)
          .hasMessageContaining("package evil-1.0-r0")
          .hasMessageContaining("escape the image root");
    }
  }

  @Test
  void stopsAtTheDecompressionLimit() throws Exception {
    ApkPackage pkg = ApkPackage.open(Fixtures.apko("apk/hello-wolfi-2.12.1-r0.apk"), "hello-wolfi", Optional.empty(), 100_000);
    assertThatThrownBy(() -> pkg.copyDataTar(new ByteArrayOutputStream()))
        .hasMessageContaining("hello-wolfi")
        .hasMessageContaining("limit");
  }
}
