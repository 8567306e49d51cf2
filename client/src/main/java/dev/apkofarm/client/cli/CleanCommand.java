package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.cache.UserCache;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code apko-client clean}: removes the package and index cache, as apko's {@code clean} does. */
@Command(
    name = "clean",
    mixinStandardHelpOptions = true,
    description = {
      "Remove the cache directory (packages, indexes, keys) and say how much it held.",
      "Default: $XDG_CACHE_HOME/apko-farm, else ~/.cache/apko-farm. A missing cache is nothing to clean."
    })
final class CleanCommand extends ClientCommand {
  @Option(names = "--cache-dir", paramLabel = "DIR", description = "The cache directory to remove.")
  Path cacheDir;

  @Option(names = "--dry-run", description = "Only say how much the cache holds; remove nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path dir = cacheDir != null ? root.resolve(cacheDir) : UserCache.root();
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      err().println("cache directory " + dir + " does not exist, nothing to clean");
      return 0;
    }
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new BadInputException("cache path " + dir + " is not a directory");
    }
    long[] size = {0};
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        size[0] += attrs.isRegularFile() ? attrs.size() : 0;
        return FileVisitResult.CONTINUE;
      }
    });
    err().println("cache directory " + dir + ": " + format(size[0]));
    if (dryRun) {
      err().println("dry run: nothing removed");
      return 0;
    }
    // Symlinks inside are removed, never followed.
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
    err().println("removed " + dir);
    return 0;
  }

  /** apko's size text: bytes below 1 KiB, else one decimal and K, M, G, ... (powers of 1024). */
  static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    long div = 1024;
    int exp = 0;
    for (long n = bytes / 1024; n >= 1024; n /= 1024) {
      div *= 1024;
      exp++;
    }
    return String.format(Locale.ROOT, "%.1f %cB", (double) bytes / div, "KMGTPE".charAt(exp));
  }
}
