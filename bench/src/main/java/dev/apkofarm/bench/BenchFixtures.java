package dev.apkofarm.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared fixtures for benchmarks: {@code -Dapkofarm.fixtures=DIR}, else {@code ../shared/fixtures}. */
final class BenchFixtures {
  private BenchFixtures() {}

  static Path apko(String relative) {
    String configured = System.getProperty("apkofarm.fixtures");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "shared", "fixtures").toAbsolutePath();
    Path p = root.normalize().resolve("apko").resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException("fixture " + p + " not found; pass -Dapkofarm.fixtures=DIR");
    }
    return p;
  }
}
