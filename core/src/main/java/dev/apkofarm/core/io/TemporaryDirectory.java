package dev.apkofarm.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A directory of intermediate files (scratch blob stores, expanded packages) that {@link #close()} deletes whole. */
public final class TemporaryDirectory implements Closeable {
  private final Path path;

  private TemporaryDirectory(Path path) {
    this.path = path;
  }

  /** A new directory {@code <prefix><random>} in {@code parent} (created if missing). */
  public static TemporaryDirectory create(Path parent, String prefix) throws IOException {
    Files.createDirectories(parent);
    return new TemporaryDirectory(Files.createTempDirectory(parent, prefix));
  }

  /** A new directory {@code <prefix><random>} in the system's temporary directory. */
  public static TemporaryDirectory create(String prefix) throws IOException {
    return new TemporaryDirectory(Files.createTempDirectory(prefix));
  }

  /** Takes over {@code dir} (created if missing): closing deletes it. */
  public static TemporaryDirectory of(Path dir) throws IOException {
    return new TemporaryDirectory(Files.createDirectories(dir));
  }

  /** The directory. */
  public Path path() {
    return path;
  }

  /** Deletes the directory and everything in it. */
  @Override
  public void close() throws IOException {
    deleteTree(path);
  }

  /** Deletes {@code root} and everything below it without following symbolic links; nothing when it is absent. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> deepestFirst;
    try (Stream<Path> walk = Files.walk(root)) {
      deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : deepestFirst) {
      Files.deleteIfExists(p);
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
