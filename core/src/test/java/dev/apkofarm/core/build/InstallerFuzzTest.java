package dev.apkofarm.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.FuzzApk;
import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.pkg.ApkPackage;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.install.ApkDatabase;
import dev.apkofarm.core.install.Installer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Fuzz target for the installer on arbitrary package data: the fuzzer's bytes are the uncompressed data section of an
 * otherwise valid package (its {@code datahash} matches), which is opened, expanded and installed into a fresh tree,
 * and the installed database is written. Refusing with a {@link BadInputException} (exit 2) is fine; any other
 * exception, an error or a hang is a finding. Corpus: {@code InstallerFuzzTestInputs/installPackageData/}.
 */
class InstallerFuzzTest {
  /** Small limits keep every execution fast; the rules they enforce are the same at any size. */
  private static final Limits LIMITS = new Limits(1 << 20, 1 << 20, 4 << 20, 2_000, 64, 1024, 100, 8 << 20);
  private static final Path DIR = scratch();

  @FuzzTest
  void installPackageData(byte[] dataTar) throws IOException {
    Path apk = DIR.resolve("fuzz.apk");
    Files.write(apk, FuzzApk.of("fuzz", dataTar));
    ImageTree tree = new ImageTree();
    try {
      ApkPackage pkg = ApkPackage.open(apk, "fuzz-1.0-r0", Optional.empty(), LIMITS);
      // A small budget: the fuzzed files are held in memory and, once it is spent, written to disk.
      try (ExpansionSpace space = new ExpansionSpace(64 << 10, () -> Files.createDirectories(DIR.resolve("space")))) {
        ExpandedPackage expanded = ExpandedPackage.expand(pkg, space, Files.size(apk));
        ApkDatabase.init(tree, "x86_64");
        Installer installer = new Installer(tree, 0);
        installer.install(expanded);
        assertThat(installer.finish()).hasSize(1);
        tree.walk((path, node) -> assertThat(path).doesNotStartWith("/").doesNotContain("\n"));
      }
    } catch (BadInputException refused) {
      // refused: fine
    }
  }

  private static Path scratch() {
    try {
      Path dir = Files.createTempDirectory("installer-fuzz-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
