package dev.apkofarm.e2e.support;

import dev.apkofarm.core.io.TemporaryDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where E2E tests write (under the module's {@code target/e2e}, so {@code mvn clean} removes it). */
public final class WorkDir {
  private WorkDir() {}

  /** A fresh, empty directory {@code target/e2e/<name>}. */
  public static Path fresh(String name) throws IOException {
    String configured = System.getProperty("apkofarm.work");
    Path base = configured != null ? Path.of(configured) : Path.of("target", "e2e").toAbsolutePath();
    Path dir = base.resolve(name);
    TemporaryDirectory.deleteTree(dir);
    return Files.createDirectories(dir);
  }
}
