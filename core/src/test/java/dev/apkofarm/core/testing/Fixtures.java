package dev.apkofarm.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The apko project's test data beside the project root ({@code ../shared/fixtures}), read in place. Tests skip with
 * a clear message when the folder is absent on a developer machine; in CI ({@code CI=true}) absence is a failure.
 */
public final class Fixtures {
  private Fixtures() {}

  /** The fixtures root; the folder must exist (skips or fails otherwise, see the class comment). */
  public static Path root() {
    String configured = System.getProperty("apkofarm.fixtures");
    Path root =
        configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "fixtures").toAbsolutePath();
    root = root.normalize();
    if (!Files.isDirectory(root.resolve("apko"))) {
      throw TestEnvironment.missing(
          "apko fixtures not found at " + root + " (expected ../shared/fixtures beside the project)");
    }
    return root;
  }

  /** {@code apko/<relative>} under the fixtures root. */
  public static Path apko(String relative) {
    return root().resolve("apko").resolve(relative);
  }

  /** apko's CLI golden-test directory, the working directory its config's relative paths expect. */
  public static Path apkoCli() {
    return apko("cli");
  }
}
