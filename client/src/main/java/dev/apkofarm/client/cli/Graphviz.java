package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.io.AtomicFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Renders DOT text with Graphviz's {@code dot} program, found on {@code PATH}. */
final class Graphviz {
  private Graphviz() {}

  /** Writes {@code graph} as a PNG to {@code out} (through a temporary name). */
  static void png(String graph, Path out) throws BadInputException, IOException {
    Path dot = find().orElseThrow(() -> new BadInputException(
        "--png needs Graphviz's dot program, which is not on PATH (Debian: apt-get install graphviz);"
            + " without --png the graph is printed as DOT text"));
    try (AtomicFile file = AtomicFile.beside(out)) {
      Process p = new ProcessBuilder(dot.toString(), "-Tpng", "-o", file.path().toString())
          .redirectErrorStream(true).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(graph.getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IOException("dot -Tpng failed (exit " + rc + "): " + output.strip());
      }
      file.commit(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while dot ran");
    }
  }

  static java.util.Optional<Path> find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return java.util.Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "dot");
      if (Files.isExecutable(candidate)) {
        return java.util.Optional.of(candidate);
      }
    }
    return java.util.Optional.empty();
  }
}
