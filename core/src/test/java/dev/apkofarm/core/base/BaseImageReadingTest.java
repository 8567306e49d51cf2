package dev.apkofarm.core.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.BaseImage;
import dev.apkofarm.core.install.InstalledDatabase;
import dev.apkofarm.core.install.InstalledPackage;
import dev.apkofarm.core.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a base image as apko does: its installed database (quirks kept), its config round trip, its layout. */
class BaseImageReadingTest {
  private static List<InstalledPackage> parse(String text, List<String> warnings) throws BadInputException {
    return InstalledDatabase.parse(text.getBytes(StandardCharsets.UTF_8), "APKINDEX", warnings::add);
  }

  @Test
  void writesBaseRecordsAsApkoDoesLosingModesAndKeepingItsListQuirks() throws Exception {
    List<String> warnings = new ArrayList<>();
    List<InstalledPackage> pkgs =
        parse("P:a\nV:1-r0\nA:x86_64\nD:\ni:[]\nC:Q1cs+Hlyu5sY+1mmwKPedcRWj8E24=\nF:etc\nM:501:20:0700\nR:f\n"
            + "a:501:20:0600\nZ:Q1KhFxtJsuPVmrrXKMewSAc2/3kus=\n\n", warnings);

    assertThat(pkgs).hasSize(1);
    assertThat(new String(pkgs.get(0).record(), StandardCharsets.UTF_8))
        .isEqualTo("P:a\nV:1-r0\nA:x86_64\nL:\nT:\no:\nm:\nU:\nD:\np:\nc:\ni:[[]]\nt:-62135596800\nS:0\nI:0\nk:0\n"
            + "C:Q1cs+Hlyu5sY+1mmwKPedcRWj8E24=\nF:etc\nR:f\n\n");
    assertThat(pkgs.get(0).files()).containsExactly("etc/f");
    assertThat(warnings).isEmpty();
  }

  @Test
  void dropsALastRecordWithoutABlankLineAndSaysSo() throws Exception {
    List<String> warnings = new ArrayList<>();

    List<InstalledPackage> pkgs = parse("P:a\nV:1\n\nP:b\nV:2\n", warnings);

    assertThat(pkgs).extracting(p -> p.meta().name()).containsExactly("a");
    assertThat(warnings).singleElement().asString().contains("the last record (b) does not end with a blank line");
  }

  @Test
  void refusesMalformedLinesAndPathsNamingTheLine() {
    List<String> w = new ArrayList<>();
    assertThatThrownBy(() -> parse("P:a\nnonsense\n\n", w)).isInstanceOf(BadInputException.class)
        .hasMessageContaining("APKINDEX:2: expected \"X:value\"");
    assertThatThrownBy(() -> parse("P:a\nF:../etc\n\n", w)).hasMessageContaining("APKINDEX:2: path \"../etc\"");
    assertThatThrownBy(() -> parse("P:a\nR:x/y\n\n", w)).hasMessageContaining("is not a file name");
    assertThatThrownBy(() -> parse("P:a\nM:0:0:0755\n\n", w)).hasMessageContaining("M: before any F:");
    assertThatThrownBy(() -> parse("P:a\nt:soon\n\n", w)).hasMessageContaining("build time \"soon\"");
  }

  @Test
  void aBaseConfigIsRewrittenAsGoWritesItsConfigFileStruct() throws Exception {
    String in = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"created\":\"2024-01-02T03:04:05.500+02:00\","
        + "\"unknown\":1,\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
        + "\"config\":{\"cmd\":[\"x\"],\"ExposedPorts\":{\"80/tcp\":{}},\"Tty\":false,\"Labels\":{}}}";

    ConfigFileJson c = ConfigFileJson.parse(in.getBytes(StandardCharsets.UTF_8), "cfg");

    assertThat(new String(c.toJson(), StandardCharsets.UTF_8))
        .isEqualTo("{\"architecture\":\"amd64\",\"created\":\"2024-01-02T03:04:05.5+02:00\",\"os\":\"linux\","
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":null},\"config\":{\"Cmd\":[\"x\"],"
            + "\"ExposedPorts\":{\"80/tcp\":{}}}}");
    assertThat(ConfigFileJson.goTime(OffsetDateTime.parse("2024-01-02T03:04:05Z"))).isEqualTo("2024-01-02T03:04:05Z");
    assertThatThrownBy(() -> ConfigFileJson.parse("{\"config\":{\"Env\":\"PATH\"}}".getBytes(StandardCharsets.UTF_8), "cfg"))
        .hasMessage("cfg: Env: expected a list");
  }

  @Test
  void aLockWithoutTheBaseReadIsRefusedNotBuiltWithoutIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    var loaded = new dev.apkofarm.core.config.ConfigLoader(Fixtures.apkoCli()).load("testdata/image_on_top.apko.yaml");
    var repos = new dev.apkofarm.core.apk.repo.Repositories(new dev.apkofarm.core.apk.repo.Fetcher(
        dev.apkofarm.core.apk.repo.Fetcher.Options.defaults(Fixtures.apkoCli(), java.util.Optional.of(dir))));
    var locker = new dev.apkofarm.core.build.ImageLocker(new dev.apkofarm.core.apk.lock.Locker(repos,
        new dev.apkofarm.core.apk.repo.PackageStore(repos.fetcher(), new dev.apkofarm.core.cache.DiskBlobCache(dir),
            List.of()), 2), repos);

    // what the farm's coordinator does: it has no base image to give
    assertThatThrownBy(() -> locker.lock(loaded,
            dev.apkofarm.core.build.ImageLocker.Request.of(List.of(Arch.AMD64), java.util.Map.of())))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("contents.baseimage: building on a base image is not supported by the farm yet");
  }

  @Test
  void aBasePackageNameOutsideApksRulesIsBadInput(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path from = Fixtures.apkoCli().resolve("testdata/base_image");
    try (var files = java.nio.file.Files.walk(from)) {
      for (java.nio.file.Path p : files.toList()) {
        java.nio.file.Path t = dir.resolve("base").resolve(from.relativize(p).toString());
        if (java.nio.file.Files.isDirectory(p)) {
          java.nio.file.Files.createDirectories(t);
        } else {
          java.nio.file.Files.copy(p, t);
        }
      }
    }
    java.nio.file.Files.writeString(dir.resolve("base/metadata/x86_64/APKINDEX"), "P:../../etc/x\nV:1-r0\n\n");

    assertThatThrownBy(() -> BaseImages.load(new BaseImage("./base", "./base/metadata"), List.of(dir),
            List.of(Arch.AMD64), w -> {}))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("contents.baseimage.apkindex ./base/metadata: ");
  }

  @Test
  void readsApkosBaseLayoutForEachArchAndRefusesAMissingOne() throws Exception {
    BaseImage base = new BaseImage("./testdata/base_image/", "./testdata/base_image/metadata/");
    List<String> warnings = new ArrayList<>();

    LockedBase locked =
        BaseImages.load(base, List.of(Fixtures.apkoCli()), List.of(Arch.AMD64, Arch.ARM64), warnings::add);

    BaseArch amd64 = locked.arch(Arch.AMD64);
    assertThat(amd64.layers()).singleElement().extracting(l -> l.diffId().toString())
        .isEqualTo("sha256:783b8b05724ae7998917558527ef930f1442af2f071850913fc406992e44606c");
    assertThat(amd64.pins()).containsExactly("pretend-baselayout=1.0.0-r0", "package-x=1.0.0-r0");
    assertThat(warnings).hasSize(2);
    assertThatThrownBy(() -> BaseImages.load(base, List.of(Fixtures.apkoCli()), List.of(Arch.RISCV64), w -> {}))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("has no image for riscv64");
  }
}
