package dev.apkofarm.testcontainers;

import dev.apkofarm.client.examples.ExampleRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A copy of the project's {@code examples/} (configs, key, package sources) with its repository generated, made once
 * per test JVM in {@code target/}: the directory the examples' {@code examples/repository} paths resolve against.
 */
final class Examples {
  /** Unique to this run: an annotation with it gives every test image a build key no earlier run had. */
  static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  private static Path root;

  private Examples() {}

  /** The working directory holding {@code examples/}. */
  static synchronized Path root() throws Exception {
    if (root == null) {
      Path source = Path.of(System.getProperty("apkofarm.examples", "../examples")).toAbsolutePath().normalize();
      Path dir = Path.of("target", "examples-" + RUN).toAbsolutePath();
      Path copy = dir.resolve("examples");
      try (Stream<Path> s = Files.walk(source)) {
        for (Path p : (Iterable<Path>) s.sorted()::iterator) {
          String rel = source.relativize(p).toString();
          if (rel.startsWith("repository") || rel.startsWith("testcontainers") || rel.startsWith(".")) {
            continue;
          }
          Path to = copy.resolve(rel);
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        }
      }
      ExampleRepository.write(copy);
      root = dir;
    }
    return root;
  }

  /** Writes {@code yaml} as {@code examples/<name>} under {@link #root()}; returns its path relative to the root. */
  static Path config(String name, String yaml) throws Exception {
    Path p = root().resolve("examples").resolve(name);
    Files.writeString(p, yaml);
    return Path.of("examples", name);
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // under target/: mvn clean removes it
    }
  }
}
