package dev.apkofarm.e2e.support;

import dev.apkofarm.client.examples.ExampleRepository;
import dev.apkofarm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies of the project's {@code examples/} (configs, package sources, the example key) with their signed repository
 * generated, for tests that change a repository or its configs without touching the checkout's.
 */
public final class ExampleTrees {
  private ExampleTrees() {}

  /** {@code into/examples/...} with {@code into/examples/repository} generated; returns {@code into/examples}. */
  public static Path copy(Path into) throws IOException, BadInputException {
    Path source = ApkoCli.projectRoot().resolve("examples");
    Path target = into.resolve("examples");
    try (Stream<Path> s = Files.walk(source)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        String rel = source.relativize(p).toString();
        if (rel.startsWith("repository") || rel.startsWith("testcontainers") || rel.startsWith("internet")
            || p.getFileName().toString().startsWith(".") || rel.equals("pom.xml")) {
          continue;
        }
        Path to = target.resolve(rel);
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    ExampleRepository.write(target);
    return target;
  }

  /** The names of the example configs ({@code examples/*.yaml} without the extension), sorted. */
  public static List<String> configs(Path examples) throws IOException {
    try (Stream<Path> s = Files.list(examples)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList();
    }
  }

  /**
   * Gives the example package {@code name} a new version (and what its program prints) and writes the repository
   * again: new packages, the index signed again.
   */
  public static void release(Path examples, String name, String version, String prints)
      throws IOException, BadInputException {
    Path properties = examples.resolve("packages").resolve(name).resolve("package.properties");
    String text = Files.readString(properties).replaceAll("(?m)^version=.*$", "version=" + version)
        .replaceAll("(?m)^program-prints=.*$", "program-prints=" + prints);
    Files.writeString(properties, text);
    ExampleRepository.write(examples);
  }
}
