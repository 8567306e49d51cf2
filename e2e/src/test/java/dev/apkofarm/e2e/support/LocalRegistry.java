package dev.apkofarm.e2e.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (distribution 2.8) serving plain HTTP on {@code 127.0.0.1:<free port>} from a
 * directory of its own; Docker treats 127.0.0.0/8 registries as insecure without configuration. Its log goes to
 * {@code registry.log} in that directory.
 */
public final class LocalRegistry implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final int port;

  private LocalRegistry(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts a registry storing under {@code dir} and returns once it listens. Skips the calling test when
   * {@code docker-registry} is missing (fails in CI).
   */
  public static LocalRegistry start(Path dir) throws IOException {
    Path binary = Path.of("/usr/bin/docker-registry");
    if (!Files.isExecutable(binary)) {
      String message = "docker-registry not installed (apt-get install docker-registry; scripts/test does it as root)";
      if (Docker.inCi()) {
        throw new IllegalStateException(message);
      }
      assumeTrue(false, message);
    }
    Files.createDirectories(dir);
    int port = freePort();
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        "version: 0.1\n"
            + "log:\n  level: info\n"
            + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n  delete:\n    enabled: true\n"
            + "http:\n  addr: 127.0.0.1:" + port + "\n  secret: apkofarm-e2e\n");
    Process p =
        new ProcessBuilder(binary.toString(), "serve", config.toString())
            .redirectOutput(dir.resolve("access.log").toFile())
            .start();
    p.getOutputStream().close();
    CountDownLatch listening = new CountDownLatch(1);
    Path log = dir.resolve("registry.log");
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
                  Writer out = Files.newBufferedWriter(log)) {
                for (String line; (line = in.readLine()) != null; ) {
                  out.write(line);
                  out.write('\n');
                  out.flush();
                  if (line.contains("listening on 127.0.0.1:" + port)) {
                    listening.countDown();
                  }
                }
              } catch (IOException e) {
                // the process ended; start() reports it
              }
            },
            "docker-registry-log-" + port);
    pump.setDaemon(true);
    pump.start();
    try {
      if (!listening.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            "docker-registry did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT + "; log: " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while starting docker-registry", e);
    }
    return new LocalRegistry(p, port);
  }

  /** {@code 127.0.0.1:<port>}, the registry part of an image reference. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
