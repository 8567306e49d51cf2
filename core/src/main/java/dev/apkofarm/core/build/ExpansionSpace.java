package dev.apkofarm.core.build;

import dev.apkofarm.core.io.TemporaryDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a {@link StorePackageSource} puts the file contents of the packages it expands: small files in memory while a
 * fixed budget lasts, everything else in one file per package under a scratch directory that is made only when the
 * first such file is written.
 *
 * <p>Why: a small image (apko's golden config, the README's examples) has a few dozen kilobytes of package files, and
 * writing them out cost more than the bytes: every expanded package was a new file and the scratch directory a new
 * directory, made and deleted in each run. On a file system that has just deleted many files (ext4 looks past
 * recently freed inodes when it allocates one), a CLI build spent several milliseconds in those allocations alone.
 * The budget keeps memory bounded whatever the image: once it is spent, files go to disk as before.
 */
final class ExpansionSpace implements AutoCloseable {
  /** The most bytes of package files a source holds in memory. */
  static final long BUDGET = 8L << 20;

  /**
   * The largest file held in memory: below half of G1's smallest region (1 MiB), so an inline file never makes a
   * humongous object, and small enough that one large file does not take the budget alone.
   */
  static final int FILE_MAX = 256 << 10;

  /** Names (or makes) the scratch directory when it is first needed; a directory not there yet is created. */
  @FunctionalInterface
  interface DirectoryMaker {
    Path make() throws IOException;
  }

  private final DirectoryMaker maker;
  private long budget;
  private TemporaryDirectory scratch;

  /**
   * @param budget the bytes of files held in memory at most (0: none)
   * @param maker makes the scratch directory, once, when the first file goes to disk; {@link #close()} deletes it
   */
  ExpansionSpace(long budget, DirectoryMaker maker) {
    if (budget < 0) {
      throw new IllegalArgumentException("negative budget: " + budget);
    }
    this.budget = budget;
    this.maker = maker;
  }

  /** A space whose directory is {@code dir} (created when first needed, with its parents). */
  static ExpansionSpace in(Path dir) {
    return new ExpansionSpace(BUDGET, () -> dir); // TemporaryDirectory.of creates it
  }

  /**
   * Takes {@code size} bytes of the budget for a file held in memory; false (nothing taken) when the file is larger
   * than {@link #FILE_MAX} or the budget has not that much left, and the file goes to disk.
   */
  synchronized boolean takeInline(long size) {
    if (size < 0 || size > FILE_MAX || size > budget) {
      return false;
    }
    budget -= size;
    return true;
  }

  /** A new, empty file in the scratch directory for a package's contents (the directory is made on first use). */
  synchronized Path newContentsFile() throws IOException {
    if (scratch == null) {
      scratch = TemporaryDirectory.of(maker.make());
    }
    return Files.createTempFile(scratch.path(), "package-", ".data");
  }

  /** Deletes the scratch directory, if one was made. */
  @Override
  public synchronized void close() throws IOException {
    if (scratch != null) {
      scratch.close();
    }
  }
}
