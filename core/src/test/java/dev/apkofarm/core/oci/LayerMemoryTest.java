package dev.apkofarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 1 GiB layer is written by a JVM whose heap is far smaller than the layer: nothing grows with its size. */
class LayerMemoryTest {
  private static final long GIB = 1L << 30;

  @Test
  void writesAOneGibLayerWithA64MibHeap(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    LayerMemoryProbe.class.getName(), dir.toString(), Long.toString(GIB)))
            .redirectErrorStream(true)
            .start();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(done).as("probe finished").isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    // directory and file headers, the file, two zero blocks at the end
    assertThat(output).contains("uncompressed=" + (512 + 512 + GIB + 1024));
  }
}
