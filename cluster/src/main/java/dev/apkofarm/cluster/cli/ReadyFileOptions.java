package dev.apkofarm.cluster.cli;

import dev.apkofarm.core.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code --ready-file}: how a daemon tells whoever started it that it serves, and on which ports. Supervisors and
 * tests pass port 0 for every port and read the ports here, instead of picking "free" ports beforehand that another
 * process may take before the daemon binds them.
 */
public final class ReadyFileOptions {
  @Option(names = "--ready-file", paramLabel = "PATH",
      description = "Once serving, write the ports actually bound to PATH, atomically (JSON: grpc, health, metrics,"
          + " hazelcast, registry; -1 = not served). With port 0 for any of them, this is how to learn which port it got.")
  Path readyFile;

  /** Writes the ports the daemon serves on to the ready file if one was asked for (temp name, then rename), and logs them. */
  public void announce(String daemon, BoundPorts ports) throws IOException {
    if (readyFile != null) {
      AtomicFile.write(readyFile, (ports.json() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    // After the file: whoever waits for this line finds the file complete. The logger is looked up here, not in a
    // static field, because logging is configured once the command line is parsed.
    LoggerFactory.getLogger(ReadyFileOptions.class).info("{} ready, ports: {}", daemon, ports.json());
  }

  /** Removes the ready file (the daemon is stopping): a file left behind would name ports nobody serves. */
  public void withdraw() {
    if (readyFile != null) {
      try {
        Files.deleteIfExists(readyFile);
      } catch (IOException e) {
        LoggerFactory.getLogger(ReadyFileOptions.class).warn("cannot remove {}: {}", readyFile, e.toString());
      }
    }
  }
}
