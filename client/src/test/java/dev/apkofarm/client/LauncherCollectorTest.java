package dev.apkofarm.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector {@code bin/launch} gives a process, read from the command line it would run (a {@code JAVA} that
 * prints its arguments): a daemon with a heap of at most 1 GiB gets the serial collector (G1's own structures were 47
 * MiB of a worker with -Xmx256m, over its 384 MiB budget; docs/farm.md, "Memory"), unless {@code APKO_FARM_JAVA_OPTS}
 * chooses a collector; a larger or unstated heap, and every CLI run, keep the JVM's choice. Also the other flags that
 * differ between the two kinds of process: a CLI run writes no performance counters and starts with a larger young
 * generation.
 */
class LauncherCollectorTest {
  private static final Path BIN = Path.of("").toAbsolutePath().getParent().resolve("bin");

  @TempDir Path tmp;

  /** The arguments {@code launcher} would start java with, given {@code opts} as APKO_FARM_JAVA_OPTS. */
  private String javaArgs(String launcher, String opts) throws IOException, InterruptedException {
    Path java = tmp.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    Path jar = Files.writeString(tmp.resolve("apko-farm.jar"), "");
    ProcessBuilder pb = new ProcessBuilder(List.of("bash", BIN.resolve(launcher).toString(), "version"))
        .redirectErrorStream(true);
    pb.environment().put("JAVA", java.toString());
    pb.environment().put("APKO_FARM_JAR", jar.toString());
    pb.environment().put("APKO_FARM_JAVA_OPTS", opts);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void aDaemonWithASmallHeapRunsTheSerialCollector() throws Exception {
    for (String heap : List.of("-Xmx256m", "-Xmx1g", "-Xmx1024m", "-Xmx262144k", "-Xmx268435456")) {
      assertThat(javaArgs("apko-worker", "-Dx=1 " + heap)).as(heap).contains("-XX:+UseSerialGC");
    }
    assertThat(javaArgs("apko-coordinator", "-Xmx256m")).contains("-XX:+UseSerialGC");
  }

  @Test
  void aLargerOrUnstatedHeapOrAChosenCollectorKeepsTheJvmsChoice() throws Exception {
    for (String opts : List.of("", "-Xmx1025m", "-Xmx2g", "-XX:MaxRAMPercentage=75", "-Xmx256m -XX:+UseG1GC",
        "-XX:+UseParallelGC -Xmx128m")) {
      assertThat(javaArgs("apko-worker", opts)).as(opts).doesNotContain("-XX:+UseSerialGC");
    }
  }

  @Test
  void aCliRunKeepsTheJvmsChoice() throws Exception {
    assertThat(javaArgs("apko-client", "-Xmx256m")).doesNotContain("-XX:+UseSerialGC")
        .contains("dev.apkofarm.client.Main");
  }

  @Test
  void onlyACliRunGoesWithoutPerformanceCountersAndWithALargerYoungGeneration() throws Exception {
    assertThat(javaArgs("apko-client", "")).contains("-XX:-UsePerfData", "-XX:NewSize=64m");
    for (String daemon : List.of("apko-worker", "apko-coordinator")) {
      assertThat(javaArgs(daemon, "-Xmx256m")).doesNotContain("UsePerfData", "NewSize");
    }
  }
}
