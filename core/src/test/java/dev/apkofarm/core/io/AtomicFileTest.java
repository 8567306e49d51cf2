package dev.apkofarm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir Path dir;

  @Test
  void writesTheContentUnderTheFinalNameReadableByAll() throws IOException {
    Path target = dir.resolve("sub/out.json");

    AtomicFile.write(target, "{}".getBytes(StandardCharsets.UTF_8));

    assertThat(target).hasContent("{}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
    assertThat(names(target.getParent())).containsExactly("out.json");
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path target = dir.resolve("out.txt");
    Files.writeString(target, "old");

    assertThatThrownBy(
            () ->
                AtomicFile.write(
                    target,
                    out -> {
                      out.write("half".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }))
        .hasMessage("disk full");

    assertThat(target).hasContent("old");
    assertThat(names(dir)).containsExactly("out.txt");
  }

  @Test
  void aFileNamedOnlyOnceWrittenIsCommittedUnderThatName() throws IOException {
    try (AtomicFile file = AtomicFile.in(dir, ".tmp-")) {
      Files.writeString(file.path(), "blob");
      assertThat(file.path().getFileName().toString()).startsWith(".tmp-").endsWith(".tmp");

      file.commit(dir.resolve("sha256-abc"));
    }

    assertThat(names(dir)).containsExactly("sha256-abc");
  }

  private static List<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
