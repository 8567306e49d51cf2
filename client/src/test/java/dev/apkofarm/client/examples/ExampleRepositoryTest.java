package dev.apkofarm.client.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.Repositories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleRepositoryTest {
  @TempDir Path tmp;

  private static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).resolve("../examples").normalize();

  private Path copyOfExamples(String name) throws IOException {
    Path dst = tmp.resolve(name);
    for (String part : List.of("keys", "packages")) {
      try (Stream<Path> s = Files.walk(EXAMPLES.resolve(part))) {
        for (Path p : (Iterable<Path>) s.sorted()::iterator) {
          Path to = dst.resolve(EXAMPLES.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        }
      }
    }
    return dst;
  }

  private static List<String> listing(Path repo) throws IOException {
    try (Stream<Path> s = Files.walk(repo)) {
      return s.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).map(p -> {
        try {
          return repo.relativize(p) + " " + dev.apkofarm.core.oci.Digest.of(Files.readAllBytes(p));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }

  @Test
  void theExampleRepositoryIsTheSameBytesWhateverTheFileModesOfTheClone() throws Exception {
    Path a = copyOfExamples("a");
    Path b = copyOfExamples("b");
    // Another umask: group-writable files must not change a single byte.
    try (Stream<Path> s = Files.walk(b.resolve("packages"))) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        boolean exec = Files.isExecutable(p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "rwxrwxr-x" : "rw-rw-r--"));
      }
    }

    List<String> first = listing(ExampleRepository.write(a));
    List<String> second = listing(ExampleRepository.write(b));

    assertThat(first).isEqualTo(second).anyMatch(l -> l.startsWith("x86_64/APKINDEX.tar.gz"))
        .anyMatch(l -> l.startsWith("aarch64/example-hello-1.3.0-r0.apk"));
    try (Stream<Path> s = Files.list(a)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("keys", "packages", "repository");
    }
  }

  @Test
  void itsIndexVerifiesAgainstTheExampleKey() throws Exception {
    Path repo = ExampleRepository.write(copyOfExamples("c"));
    Repositories repositories = new Repositories(new Fetcher(Fetcher.Options.defaults(repo, java.util.Optional.empty())));

    var keyring = repositories.loadKeyring(List.of(repo.resolve("apko-farm-example.rsa.pub").toString()));
    var index = repositories.loadOne(new dev.apkofarm.core.apk.repo.Repository(java.util.Optional.empty(), repo.toString()),
        "aarch64", keyring, true);

    assertThat(index.index().packages()).extracting(p -> p.name())
        .contains("example-baselayout", "example-hello", "example-web", "s6");
  }
}
