package dev.apkofarm.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's test data ({@code testdata/} at the project root; see its README and NOTICE). Maven passes its
 * location as the {@code apkofarm.fixtures} system property; without it (an IDE run from a module directory) the
 * nearest {@code testdata/} above the working directory is used. The data is part of the repository, so a missing
 * folder is a broken checkout, never a reason to skip.
 */
public final class Fixtures {
  private Fixtures() {}

  /** The test-data root, {@code testdata/}. */
  public static Path root() {
    String configured = System.getProperty("apkofarm.fixtures");
    Path root = configured != null ? Path.of(configured).toAbsolutePath().normalize() : nearestTestdata();
    if (!Files.isDirectory(root.resolve("apko"))) {
      throw new IllegalStateException("test data not found at " + root + ": testdata/ of the repository is missing");
    }
    return root;
  }

  private static Path nearestTestdata() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("testdata").resolve("apko"))) {
        return dir.resolve("testdata");
      }
    }
    return start.resolve("testdata");
  }

  /** {@code apko/<relative>} under the test-data root: apko's own test data. */
  public static Path apko(String relative) {
    return root().resolve("apko").resolve(relative);
  }

  /** apko's CLI golden-test directory, the working directory its config's relative paths expect. */
  public static Path apkoCli() {
    return apko("cli");
  }
}
