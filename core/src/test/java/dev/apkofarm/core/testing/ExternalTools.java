package dev.apkofarm.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Programs tests run (docker-registry, skopeo): located on PATH, skipped with a clear message when absent on a
 * developer machine, a failure in CI ({@code CI=true}, where {@code scripts/test} installs them).
 */
public final class ExternalTools {
  private ExternalTools() {}

  /** The executable {@code name} on PATH (skips or fails when absent, see the class comment). */
  public static Path require(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String message = name + " not found on PATH (scripts/test installs it: see scripts/lib/test-env.sh)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(message);
    }
    assumeTrue(false, message);
    throw new AssertionError("unreachable");
  }

  /** The result of a finished process. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** This result, or an assertion error with the command's output when it failed. */
    public Result ok() {
      if (exitCode != 0) {
        throw new AssertionError("exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
      }
      return this;
    }
  }

  /** Runs {@code command} to completion (at most 2 minutes) and returns its output. */
  public static Result run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("tool-out", ".txt");
    Path err = Files.createTempFile("tool-err", ".txt");
    try {
      Process p =
          new ProcessBuilder(new ArrayList<>(command))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
