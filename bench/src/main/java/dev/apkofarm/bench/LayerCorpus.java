package dev.apkofarm.bench;

import dev.apkofarm.core.apk.archive.TarWriter;
import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.oci.LayerEntry;
import dev.apkofarm.core.oci.OwnerNames;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A large, realistic image tree for layer benchmarks: the running JDK's installation (a few hundred MiB of
 * binaries, class archives and text), referenced in place like package contents. Also writes the layer's
 * uncompressed tar once, for the single-threaded {@code gzip -6} baseline over the very same bytes.
 */
final class LayerCorpus {
  final ImageTree tree = new ImageTree();
  final Path tar;
  final long tarBytes;

  LayerCorpus(Path root, Path workDir) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            String rel = rel(root, dir);
            if (!rel.isEmpty()) {
              mkdir("jdk/" + rel);
            } else {
              mkdir("jdk");
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            String path = "jdk/" + rel(root, file);
            try {
              if (Files.isSymbolicLink(file)) {
                tree.symlink(Files.readSymbolicLink(file).toString(), path);
              } else if (attrs.isRegularFile()) {
                int mode = Files.isExecutable(file) ? 0755 : 0644;
                tree.put(path, new RegularFile(mode, 0, ContentRef.slice(file, 0, attrs.size())));
              }
            } catch (dev.apkofarm.core.fs.TreeException e) {
              throw new IOException(e);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    tar = workDir.resolve("corpus.tar");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16);
        TarWriter w = new TarWriter(out)) {
      tree.walk((path, node) -> {
        LayerEntry e = LayerEntry.of(path, node, OwnerNames.NONE);
        w.writeHeader(e.header());
        if (e.content().isPresent()) {
          try (InputStream in = e.content().get().open()) {
            w.copyFrom(in);
          }
        }
      });
    }
    tarBytes = Files.size(tar);
  }

  private void mkdir(String path) throws IOException {
    try {
      tree.mkdirAll(path, 0755);
    } catch (dev.apkofarm.core.fs.TreeException e) {
      throw new IOException(e);
    }
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  static Path jdkHome() {
    return Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
  }

  /** GNU {@code gzip -6} (single-threaded) over {@link #tar}, output discarded: the baseline layer writing beats. */
  int gzip6() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("gzip", "-6", "-c")
            .redirectInput(tar.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    int rc = p.waitFor();
    if (rc != 0) {
      throw new IOException("gzip exited " + rc);
    }
    return rc;
  }
}
