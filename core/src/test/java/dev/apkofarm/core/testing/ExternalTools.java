package dev.apkofarm.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Programs tests run (docker-registry, skopeo, dpkg-deb, the project's launchers, ...): located on PATH (skipped
 * with a clear message when absent on a developer machine, a failure in CI, where {@code scripts/test} installs
 * them) and run to completion with their output collected.
 */
public final class ExternalTools {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  private ExternalTools() {}

  /** The executable {@code name} on PATH (skips or fails when absent, see the class comment). */
  public static Path require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                TestEnvironment.missing(
                    name + " not found on PATH (scripts/test installs it: see scripts/lib/test-env.sh)"));
  }

  /** The executable {@code name} on PATH, if there is one. */
  public static Optional<Path> find(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** A finished command: how it exited and what it wrote. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public Result {
      command = List.copyOf(command);
    }

    /** This result, or an assertion error naming the command and showing its output when it did not exit 0. */
    public Result ok() {
      if (exitCode != 0) {
        throw new AssertionError(
            String.join(" ", command) + " exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
      }
      return this;
    }

    /** Both streams, stdout first, for messages. */
    public String output() {
      return stdout + stderr;
    }
  }

  /** Runs {@code command} to completion (at most 2 minutes) in the current directory and returns its output. */
  public static Result run(List<String> command) throws IOException {
    return run(command, Path.of("."), Map.of(), DEFAULT_TIMEOUT);
  }

  /**
   * Runs {@code command} in {@code workDir} with {@code env} added to this process's environment, its input empty
   * and its output collected in files (so no pipe can fill up and stall it), to completion within {@code timeout}.
   *
   * @throws AssertionError when it does not end in time (it is killed)
   */
  public static Result run(List<String> command, Path workDir, Map<String, String> env, Duration timeout)
      throws IOException {
    Path out = Files.createTempFile("tool-out", ".txt");
    Path err = Files.createTempFile("tool-err", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(new ArrayList<>(command))
              .directory(workDir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(String.join(" ", command) + ": no exit within " + timeout);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new InterruptedIOException(String.join(" ", command) + ": interrupted");
      }
      return new Result(
          command,
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
