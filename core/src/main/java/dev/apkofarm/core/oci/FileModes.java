package dev.apkofarm.core.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Output files are world-readable (0644), like files {@code go-containerregistry} writes; temp files start 0600. */
public final class FileModes {
  private FileModes() {}

  /** Makes {@code file} rw-r--r-- where the filesystem has POSIX permissions. */
  public static void readable(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX filesystem: nothing to do
    }
  }
}
