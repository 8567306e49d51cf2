package dev.apkofarm.e2e.support;

import dev.apkofarm.core.testing.debian.StagedPackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A root filesystem assembled by test code from staged packages (a plain overlay, later packages win) — a stand-in
 * for the project's installer that lets {@code DistributionIT} prove the test distribution itself runs.
 */
public final class StagedRootfs {
  private StagedRootfs() {}

  /** Copies every package's tree into {@code rootfs}, keeping symlinks and permissions. */
  public static void merge(List<StagedPackage> packages, Path rootfs) throws IOException {
    Files.createDirectories(rootfs);
    for (StagedPackage p : packages) {
      List<Path> paths;
      try (Stream<Path> walk = Files.walk(p.root())) {
        paths = walk.sorted().toList();
      }
      for (Path source : paths) {
        Path target = rootfs.resolve(p.root().relativize(source).toString());
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
          if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(target);
          }
          Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source, LinkOption.NOFOLLOW_LINKS));
        } else if (Files.isSymbolicLink(source)) {
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Files.readSymbolicLink(source));
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
