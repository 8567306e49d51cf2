package dev.apkofarm.core.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.ImageTree;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, problem 2: installing a package of nested directories cost time cubic in its depth (1,000 levels took 16
 * s). Path resolution now does work linear in the path: the tree counts the components it visits, and installing a
 * chain of N levels visits a small constant number of components per component of the package's paths, whatever N.
 * (A package's paths themselves grow with the square of its depth, so a chain of N levels is O(N^2) bytes to read
 * whatever we do; the CLI refuses 10,000 levels by default, {@code --max-path-depth}, see the client's
 * HostileInputTest.)
 */
class DeepTreeTest {
  @Test
  void resolutionWorkPerPathComponentStaysConstantAsTheTreeDeepens() throws Exception {
    double shallow = stepsPerComponent(250);
    double deep = stepsPerComponent(2_000);

    assertThat(deep).isLessThanOrEqualTo(8.0);
    assertThat(deep).isLessThanOrEqualTo(shallow * 1.05);
  }

  @Test
  void aTwoThousandLevelPackageInstallsAndIsRecorded() throws Exception {
    ImageTree tree = new ImageTree();
    ApkDatabase.init(tree, "x86_64");
    TestArchive deep = chain(2_000);
    Installer installer = new Installer(tree, 0);

    installer.install(deep);
    List<InstalledPackage> installed = installer.finish();

    assertThat(tree.stat(path(2_000))).get().isInstanceOf(Directory.class);
    assertThat(new String(installed.get(0).record(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("F:" + path(2_000) + "\n");
  }

  private static double stepsPerComponent(int depth) throws Exception {
    ImageTree tree = new ImageTree();
    ApkDatabase.init(tree, "x86_64");
    long before = tree.resolutionSteps();
    Installer installer = new Installer(tree, 0);
    installer.install(chain(depth));
    installer.finish();
    long components = (long) depth * (depth + 1) / 2 + depth; // the directories' paths plus one file each
    return (double) (tree.resolutionSteps() - before) / components;
  }

  /** Directories d, d/d, d/d/d, ... {@code depth} levels, and a file in each. */
  private static TestArchive chain(int depth) {
    TestArchive a = TestArchive.named("deep", "deep");
    for (int i = 1; i <= depth; i++) {
      a.dir(path(i));
    }
    for (int i = 1; i <= depth; i++) {
      a.file(path(i) + "/f", "");
    }
    return a;
  }

  private static String path(int depth) {
    return "d" + "/d".repeat(depth - 1);
  }
}
