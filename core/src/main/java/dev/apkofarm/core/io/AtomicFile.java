package dev.apkofarm.core.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file being written under a temporary name in the directory of its final name, renamed into place only when
 * complete: no reader ever sees a half-written file under the final name, and a failed write leaves nothing behind
 * (closing an uncommitted file deletes it). Every output of the engine and the CLI is written this way.
 *
 * <p>Outputs are world-readable (0644), as go-containerregistry writes files; {@link Files#createTempFile} alone
 * would leave them 0600.
 */
public final class AtomicFile implements Closeable {
  private static final int BUFFER = 1 << 16;

  /** Writes a file's content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private final Path tmp;
  private boolean done;

  private AtomicFile(Path tmp) {
    this.tmp = tmp;
  }

  /**
   * A new temporary file in {@code dir} (created if missing), for a file whose final name is known only once it is
   * written (content-addressed stores).
   */
  public static AtomicFile in(Path dir, String prefix) throws IOException {
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, prefix, ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException notPosix) {
      // nothing to widen
    }
    return new AtomicFile(tmp);
  }

  /** A new temporary file beside {@code target} ({@code .<name>-<random>.tmp}). */
  public static AtomicFile beside(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    return in(absolute.getParent(), "." + absolute.getFileName() + "-");
  }

  /** Writes {@code target} in one go: {@code content} into a temporary file beside it, then the rename. */
  public static void write(Path target, Content content) throws IOException {
    try (AtomicFile file = beside(target)) {
      try (OutputStream out = file.newOutputStream()) {
        content.writeTo(out);
      }
      file.commit(target);
    }
  }

  /** Writes {@code bytes} to {@code target} through a temporary file. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /** The temporary file. */
  public Path path() {
    return tmp;
  }

  /** A buffered stream that (re)writes the temporary file. */
  public OutputStream newOutputStream() throws IOException {
    return new BufferedOutputStream(Files.newOutputStream(tmp), BUFFER);
  }

  /** Renames the complete file to {@code target} (in the same directory or file system), replacing what is there. */
  public void commit(Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    done = true;
  }

  /** Deletes the temporary file unless it was committed. */
  @Override
  public void close() throws IOException {
    if (!done) {
      done = true;
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public String toString() {
    return "AtomicFile[" + tmp + "]";
  }
}
