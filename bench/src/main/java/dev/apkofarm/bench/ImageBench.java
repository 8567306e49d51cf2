package dev.apkofarm.bench;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the image benchmarks and prints the figures the image issue asks for: layer-writing throughput against
 * single-threaded {@code gzip -6} of the same bytes, and the warm in-process build of apko's golden config. Medians.
 */
public final class ImageBench {
  private ImageBench() {}

  public static void main(String[] args) throws Exception {
    String only = args.length > 0 ? args[0] : "";
    if (only.isEmpty() || only.equals("layer")) {
      layer();
    }
  }

  private static void layer() throws Exception {
    long bytes = LayerWriteBenchmark.tarBytes();
    Options o = new OptionsBuilder().include(LayerWriteBenchmark.class.getSimpleName()).build();
    Collection<RunResult> results = new Runner(o).run();
    double parallel = median(results, "parallelLayer");
    double single = median(results, "singleThreadLayer");
    double gzip = median(results, "gzip6");
    double mib = bytes / 1048576.0;
    System.out.printf(Locale.ROOT, "%nlayer corpus: %.1f MiB of tar (%d cores)%n", mib,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "  apko-farm layer writer (parallel gzip):   %7.1f MiB/s  (%.0f ms)%n",
        mib / (parallel / 1000), parallel);
    System.out.printf(Locale.ROOT, "  apko-farm layer writer (1 gzip thread):   %7.1f MiB/s  (%.0f ms)%n",
        mib / (single / 1000), single);
    System.out.printf(Locale.ROOT, "  gzip -6, single-threaded, same bytes:     %7.1f MiB/s  (%.0f ms)%n",
        mib / (gzip / 1000), gzip);
    System.out.printf(Locale.ROOT, "  ratio parallel layer / gzip -6:           %7.2fx (target >= 1.8x)%n",
        gzip / parallel);
  }

  private static double median(Collection<RunResult> results, String method) {
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().endsWith("." + method)) {
        return r.getPrimaryResult().getStatistics().getPercentile(50);
      }
    }
    throw new IllegalStateException("no result for " + method);
  }
}
