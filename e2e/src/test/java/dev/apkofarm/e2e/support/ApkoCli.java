package dev.apkofarm.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The project's launchers ({@code bin/apko-client}, ...) run as separate processes, exactly as a user runs them:
 * from a working directory, with extra environment, to completion within a deadline.
 */
public final class ApkoCli {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private final Path workDir;
  private final Map<String, String> env = new TreeMap<>();
  private Duration timeout = DEFAULT_TIMEOUT;

  private ApkoCli(Path workDir) {
    this.workDir = workDir;
  }

  /** Runs in {@code workDir}, where the configs' relative repository and keyring paths resolve. */
  public static ApkoCli in(Path workDir) {
    return new ApkoCli(workDir);
  }

  public ApkoCli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public ApkoCli timeout(Duration t) {
    timeout = t;
    return this;
  }

  /** The project root ({@code -Dapkofarm.root}, set by the e2e module's Failsafe configuration). */
  public static Path projectRoot() {
    String root = System.getProperty("apkofarm.root");
    return (root != null ? Path.of(root) : Path.of("..")).toAbsolutePath().normalize();
  }

  /** A launcher in {@code bin/}, e.g. {@code apko-client}. */
  public static Path launcher(String name) {
    Path p = projectRoot().resolve("bin").resolve(name);
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException(p + " is missing or not executable");
    }
    return p;
  }

  /** Runs {@code bin/apko-client ARGS...} to completion. */
  public Result client(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(launcher("apko-client").toString());
    command.addAll(List.of(args));
    return run(command);
  }

  /** Runs any command in this working directory and environment to completion. */
  public Result run(List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    byte[] out = readAll(p.getInputStream());
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + ": no exit within " + timeout);
      }
      return new Result(
          command, p.exitValue(), new String(out, StandardCharsets.UTF_8),
          new String(err.get(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  private static byte[] readAll(java.io.InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A finished command. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** This result, or an assertion error showing the command and its output when it did not exit 0. */
    public Result ok() {
      if (exitCode != 0) {
        throw new AssertionError(
            String.join(" ", command) + " exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
      }
      return this;
    }
  }
}
