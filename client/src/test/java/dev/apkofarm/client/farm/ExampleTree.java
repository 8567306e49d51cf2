package dev.apkofarm.client.farm;

import dev.apkofarm.client.examples.ExampleRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A copy of the project's {@code examples/} (configs, key, package sources) with its repository generated. */
final class ExampleTree {
  static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).resolve("../examples").normalize();
  static final Path PROJECT = EXAMPLES.getParent();

  private ExampleTree() {}

  /** {@code into/examples/...} with {@code into/examples/repository} generated; returns {@code into/examples}. */
  static Path copy(Path into) throws Exception {
    Path dst = into.resolve("examples");
    try (Stream<Path> s = Files.walk(EXAMPLES)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        Path rel = EXAMPLES.relativize(p);
        if (rel.toString().startsWith("repository") || rel.getFileName().toString().startsWith(".")) {
          continue;
        }
        Path to = dst.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    ExampleRepository.write(dst);
    return dst;
  }

  /** The files under {@code dir} with their bytes, for whole-tree comparisons. */
  static java.util.Map<String, String> digests(Path dir) throws IOException {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        out.put(dir.relativize(p).toString(), dev.apkofarm.core.oci.Digest.of(Files.readAllBytes(p)).toString());
      }
    }
    return out;
  }
}
