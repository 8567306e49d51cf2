package dev.apkofarm.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporaryDirectoryTest {
  @TempDir Path dir;

  @Test
  void closeDeletesEverythingInsideButNotWhatSymlinksPointAt() throws IOException {
    Path outside = Files.writeString(dir.resolve("keep.txt"), "keep");
    Path scratchPath;
    try (TemporaryDirectory scratch = TemporaryDirectory.create(dir.resolve("parent"), ".scratch-")) {
      scratchPath = scratch.path();
      Files.writeString(Files.createDirectories(scratchPath.resolve("a/b")).resolve("f"), "x");
      Files.createSymbolicLink(scratchPath.resolve("link"), outside);
      Files.createSymbolicLink(scratchPath.resolve("dirlink"), dir);
      assertThat(scratchPath.getParent()).isEqualTo(dir.resolve("parent"));
    }

    assertThat(scratchPath).doesNotExist();
    assertThat(outside).hasContent("keep");
  }

  @Test
  void deletingAnAbsentTreeIsNothing() throws IOException {
    TemporaryDirectory.deleteTree(dir.resolve("absent"));

    assertThat(dir).isEmptyDirectory();
  }
}
