package dev.apkofarm.client.farm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak resident set sizes of real processes, from Linux's {@code /proc/<pid>/status} ({@code VmHWM}: the most of the
 * process's memory ever resident at once, heap, metaspace, code, threads and native buffers alike).
 */
final class PeakRss {
  private PeakRss() {}

  /** The peak resident set of the live process {@code pid}, in KiB. */
  static long kib(long pid) {
    return kib(Path.of("/proc", String.valueOf(pid), "status"));
  }

  private static long kib(Path status) {
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring("VmHWM:".length()).replace("kB", "").trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException(status + " has no VmHWM line");
  }

  /**
   * Runs {@code apko-client} with {@code args} in this JVM and, as it exits, writes this process's peak resident set
   * (KiB) to the file named by the system property {@code apkofarm.rss.file}: a test runs the client as a child JVM
   * through this class to learn its peak, which a parent cannot read once the child has exited.
   */
  public static void main(String[] args) {
    Path file = Path.of(System.getProperty("apkofarm.rss.file"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Files.writeString(file, String.valueOf(kib(Path.of("/proc/self/status"))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }));
    dev.apkofarm.client.Main.main(args);
  }
}
