package dev.apkofarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.testing.ExternalTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 1 GiB layer is written by a JVM whose heap is far smaller than the layer: nothing grows with its size. */
class LayerMemoryTest {
  private static final long GIB = 1L << 30;

  @Test
  void writesAOneGibLayerWithA64MibHeap(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ExternalTools.Result probe =
        ExternalTools.run(
            List.of(
                java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                LayerMemoryProbe.class.getName(), dir.toString(), Long.toString(GIB)),
            dir, Map.of(), Duration.ofMinutes(5));

    assertThat(probe.exitCode()).as(probe.output()).isZero();
    // directory and file headers, the file, two zero blocks at the end
    assertThat(probe.stdout()).contains("uncompressed=" + (512 + 512 + GIB + 1024));
  }
}
