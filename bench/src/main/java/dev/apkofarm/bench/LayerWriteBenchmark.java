package dev.apkofarm.bench;

import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.oci.GzipSettings;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.oci.LayerWriter;
import dev.apkofarm.core.oci.OwnerNames;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Layer writing throughput on a large tree (the JDK installation, a few hundred MiB): our streamed tar + parallel
 * gzip + two SHA-256s into a blob store, against single-threaded {@code gzip -6} of the very same tar bytes. Scores
 * are seconds per layer; {@link ImageBench} turns them into MiB/s and the ratio. Run: {@code scripts/bench-image}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
public class LayerWriteBenchmark {
  private TemporaryDirectory dir;
  private LayerCorpus corpus;
  private DirectoryBlobStore store;
  private ExecutorService onePool;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = TemporaryDirectory.create("layer-bench");
    corpus = new LayerCorpus(LayerCorpus.jdkHome(), dir.path());
    store = new DirectoryBlobStore(dir.path().resolve("blobs"));
    onePool = Executors.newSingleThreadExecutor();
    System.out.println("corpus: " + corpus.tarBytes + " tar bytes");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    onePool.shutdownNow();
    dir.close();
  }

  /** Our layer writer with the defaults a build uses (all cores). */
  @Benchmark
  public Layer parallelLayer() throws IOException {
    return LayerWriter.withDefaults().write(corpus.tree, OwnerNames.NONE, store);
  }

  /** The same writer confined to one compression thread, for reference. */
  @Benchmark
  public Layer singleThreadLayer() throws IOException {
    return new LayerWriter(GzipSettings.DEFAULT, onePool, 1).write(corpus.tree, OwnerNames.NONE, store);
  }

  /** GNU {@code gzip -6} (single-threaded) over the same uncompressed tar, output discarded. */
  @Benchmark
  public int gzip6() throws IOException, InterruptedException {
    return corpus.gzip6();
  }

  /** The corpus size, for throughput figures. */
  static long tarBytes() throws IOException {
    try (TemporaryDirectory d = TemporaryDirectory.create("layer-size")) {
      return new LayerCorpus(LayerCorpus.jdkHome(), d.path()).tarBytes;
    }
  }
}
