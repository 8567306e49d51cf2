package dev.apkofarm.e2e.support;

import dev.apkofarm.core.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
  public ExternalTools.Result client(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(launcher("apko-client").toString());
    command.addAll(List.of(args));
    return run(command);
  }

  /** Runs any command in this working directory and environment to completion. */
  public ExternalTools.Result run(List<String> command) throws IOException {
    return ExternalTools.run(command, workDir, env, timeout);
  }
}
