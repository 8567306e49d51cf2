package dev.apkofarm.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.pkg.ApkPackage;
import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.install.DataEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small package files in memory within the budget, the rest in one file on disk, the same bytes either way. */
class ExpansionSpaceTest {
  @TempDir Path tmp;

  private final Map<String, byte[]> files = new LinkedHashMap<>();

  @Test
  void smallFilesStayInMemoryAndNoDirectoryIsMade() throws Exception {
    PackageInfo info = write(Map.of("etc/a", bytes(10), "etc/b", bytes(4096)));
    Path dir = tmp.resolve("scratch");

    try (ExpansionSpace space = ExpansionSpace.in(dir)) {
      ExpandedPackage expanded = ExpandedPackage.expand(open(info), space, 1);

      assertThat(contents(expanded).values()).allMatch(c -> c instanceof ContentRef.Inline);
      assertSameBytes(expanded);
      assertThat(dir).doesNotExist();
    }
  }

  @Test
  void filesPastTheBudgetOrTheFileLimitGoToOneFileOnDisk() throws Exception {
    Map<String, byte[]> in = new LinkedHashMap<>();
    in.put("usr/share/big", bytes(ExpansionSpace.FILE_MAX + 1)); // larger than a file held in memory may be
    in.put("usr/share/c1", bytes(3000));
    in.put("usr/share/c2", bytes(3000)); // one of these is past the budget
    in.put("usr/share/c3", bytes(100));
    PackageInfo info = write(in);
    Path dir = tmp.resolve("scratch");

    try (ExpansionSpace space = new ExpansionSpace(4000, () -> Files.createDirectories(dir))) {
      ExpandedPackage expanded = ExpandedPackage.expand(open(info), space, 1);

      Map<String, ContentRef> refs = contents(expanded);
      assertThat(refs.get("usr/share/big")).isInstanceOf(ContentRef.FileSlice.class);
      long inline = refs.values().stream().filter(c -> c instanceof ContentRef.Inline).mapToLong(ContentRef::size).sum();
      assertThat(inline).as("bytes held in memory").isLessThanOrEqualTo(4000).isGreaterThan(0);
      assertThat(refs.values().stream().filter(c -> c instanceof ContentRef.FileSlice).map(c -> ((ContentRef.FileSlice) c).file())
          .distinct()).as("one file for the package").hasSize(1);
      assertSameBytes(expanded);
      assertThat(dir).isDirectory();
    }
    assertThat(dir).as("deleted on close").doesNotExist();
  }

  @Test
  void theBudgetIsSharedByEveryPackageOfTheSpace() {
    ExpansionSpace space = new ExpansionSpace(1000, () -> tmp);

    assertThat(space.takeInline(600)).isTrue();
    assertThat(space.takeInline(600)).as("past what is left").isFalse();
    assertThat(space.takeInline(400)).isTrue();
    assertThat(space.takeInline(1)).isFalse();
    assertThat(new ExpansionSpace(ExpansionSpace.BUDGET, () -> tmp).takeInline(ExpansionSpace.FILE_MAX + 1L)).isFalse();
    assertThat(new ExpansionSpace(0, () -> tmp).takeInline(0)).as("an empty file costs nothing").isTrue();
  }

  private PackageInfo write(Map<String, byte[]> content) throws Exception {
    files.putAll(content);
    PackageContent.Builder b = PackageContent.builder();
    content.forEach((path, bytes) -> b.file(path, bytes, 0644));
    PackageSpec spec = PackageSpec.builder("pkg", "1.0-r0", "x86_64").buildDate(1_704_067_200L).build();
    return PackageWriter.write(spec, b.build(), Optional.empty(), SignatureAlgorithm.RSA_SHA256,
        tmp.resolve("pkg-1.0-r0.apk"));
  }

  private ApkPackage open(PackageInfo info) throws Exception {
    return ApkPackage.open(tmp.resolve("pkg-1.0-r0.apk"), info);
  }

  private static Map<String, ContentRef> contents(ExpandedPackage expanded) {
    Map<String, ContentRef> out = new LinkedHashMap<>();
    for (DataEntry e : expanded.dataEntries()) {
      e.content().ifPresent(c -> out.put(e.name(), c));
    }
    return out;
  }

  private void assertSameBytes(ExpandedPackage expanded) throws Exception {
    Map<String, ContentRef> refs = contents(expanded);
    assertThat(refs.keySet()).containsExactlyInAnyOrderElementsOf(files.keySet());
    for (Map.Entry<String, ContentRef> r : refs.entrySet()) {
      assertThat(r.getValue().readAllBytes()).as(r.getKey()).isEqualTo(files.get(r.getKey()));
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }
}
