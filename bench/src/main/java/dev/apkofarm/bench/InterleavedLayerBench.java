package dev.apkofarm.bench;

import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.oci.LayerWriter;
import dev.apkofarm.core.oci.OwnerNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The layer-versus-gzip comparison with the two measurements interleaved (gzip, ours, gzip, ours, ...), so that on a
 * shared machine both see the same background load; reports the median of the per-pair ratios next to the JMH
 * figures.
 */
final class InterleavedLayerBench {
  private InterleavedLayerBench() {}

  static void run(int pairs) throws IOException, InterruptedException {
    try (TemporaryDirectory dir = TemporaryDirectory.create("layer-pairs")) {
      LayerCorpus corpus = new LayerCorpus(LayerCorpus.jdkHome(), dir.path());
      DirectoryBlobStore store = new DirectoryBlobStore(dir.path().resolve("blobs"));
      LayerWriter writer = LayerWriter.withDefaults();
      writer.write(corpus.tree, OwnerNames.NONE, store); // warm up the JIT
      List<Double> ratios = new ArrayList<>();
      List<Double> ours = new ArrayList<>();
      List<Double> gzips = new ArrayList<>();
      List<Double> oursCpu = new ArrayList<>();
      List<Double> gzipCpu = new ArrayList<>();
      double mib = corpus.tarBytes / 1048576.0;
      for (int i = 0; i < pairs; i++) {
        double c0 = childCpuSeconds();
        long t0 = System.nanoTime();
        corpus.gzip6();
        long t1 = System.nanoTime();
        double c1 = childCpuSeconds();
        double p1 = processCpuSeconds();
        writer.write(corpus.tree, OwnerNames.NONE, store);
        long t2 = System.nanoTime();
        double p2 = processCpuSeconds();
        gzipCpu.add(c1 - c0);
        oursCpu.add(p2 - p1);
        double g = (t1 - t0) / 1e9;
        double o = (t2 - t1) / 1e9;
        gzips.add(mib / g);
        ours.add(mib / o);
        ratios.add(g / o);
        System.out.printf(Locale.ROOT, "  pair %d: gzip -6 %.1f MiB/s, layer writer %.1f MiB/s, ratio %.2fx%n",
            i + 1, mib / g, mib / o, g / o);
      }
      System.out.printf(Locale.ROOT,
          "interleaved (%d pairs, medians): layer writer %.1f MiB/s, gzip -6 %.1f MiB/s, ratio %.2fx%n",
          pairs, median(ours), median(gzips), median(ratios));
      double gz = median(gzipCpu);
      double us = median(oursCpu);
      System.out.printf(Locale.ROOT,
          "CPU time per layer (medians): gzip -6 %.2f s, layer writer %.2f s in all threads (tar, 2x SHA-256, CRC,"
              + " deflate); on %d idle cores the layer writer would run at up to %.2fx gzip -6%n",
          gz, us, Runtime.getRuntime().availableProcessors(),
          gz / (us / Math.min(Runtime.getRuntime().availableProcessors(), 2)));
    }
  }

  /** CPU seconds of this JVM (all threads). */
  private static double processCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** User + system CPU seconds of waited-for children, from {@code /proc/self/stat} (cutime, cstime). */
  private static double childCpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after the command name: state is field 3, so cutime (16) and cstime (17) are at indexes 13 and 14
    return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
