package dev.apkofarm.core.apk.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.index.IndexText;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.apk.repo.RepositoryIndex;
import dev.apkofarm.core.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The install order apko produced for real images (the apk databases in the fixtures list packages in install
 * order), reproduced by resolving an index made of those packages' own metadata.
 */
class ApkoOrderTest {
  /** The installed database's records as index entries (same field letters for what the resolver reads). */
  private static List<PackageInfo> installed(String name) throws Exception {
    StringBuilder text = new StringBuilder();
    for (String line : Files.readAllLines(Fixtures.apko("apk/installed/" + name))) {
      if (line.isEmpty() || "PVDpok".indexOf(line.charAt(0)) >= 0 && line.length() > 1 && line.charAt(1) == ':') {
        text.append(line).append('\n');
      }
    }
    return IndexText.parse(new ByteArrayInputStream(text.toString().getBytes()), name);
  }

  private static List<String> names(Resolution r) {
    List<String> out = new ArrayList<>();
    r.packages().forEach(p -> out.add(p.name()));
    return out;
  }

  @Test
  void resolvesWolfiBaseInApkosInstalledOrder() throws Exception {
    List<PackageInfo> db = installed("wolfi-base");
    List<PackageInfo> shuffled = new ArrayList<>(db);
    java.util.Collections.reverse(shuffled);
    Resolver r =
        new Resolver(
            "x86_64",
            List.of(new RepositoryIndex(new Repository(Optional.empty(), "https://packages.wolfi.dev/os"), "x86_64", new ApkIndex("", shuffled))));
    assertThat(names(r.resolve(List.of("wolfi-base"))))
        .containsExactlyElementsOf(db.stream().map(PackageInfo::name).toList());
  }
}
