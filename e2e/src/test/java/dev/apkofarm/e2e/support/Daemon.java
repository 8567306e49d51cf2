package dev.apkofarm.e2e.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running project process (coordinator, worker) started from its launcher; ready when a line of its output
 * matches, its output kept in a log file; {@link #close()} sends SIGTERM and waits for it to end.
 */
public final class Daemon implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private Daemon(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command} in {@code workDir}, logging to {@code log}, and returns once a line satisfies
   * {@code ready}.
   *
   * @throws IOException naming the process and its log when it exits or stays silent for {@code timeout}
   */
  public static Daemon start(
      String name, List<String> command, Path workDir, Path log, Predicate<String> ready, Duration timeout)
      throws IOException {
    Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    CountDownLatch readyLatch = new CountDownLatch(1);
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                  Writer out = Files.newBufferedWriter(log)) {
                for (String line; (line = in.readLine()) != null; ) {
                  out.write(line);
                  out.write('\n');
                  out.flush();
                  if (ready.test(line)) {
                    readyLatch.countDown();
                  }
                }
              } catch (IOException e) {
                // process gone; start() or close() reports it
              } finally {
                readyLatch.countDown();
              }
            },
            name + "-log");
    pump.setDaemon(true);
    pump.start();
    try {
      boolean signalled = readyLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!signalled || !p.isAlive()) {
        p.destroyForcibly();
        throw new IOException(
            name + (signalled ? " exited during start-up" : " not ready within " + timeout) + "; log: " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while starting " + name, e);
    }
    return new Daemon(name, p, log);
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, then the exit code once it ended (SIGKILL after 30 s). */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", log " + log + ")";
  }
}
