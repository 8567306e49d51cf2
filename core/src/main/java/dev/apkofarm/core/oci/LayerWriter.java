package dev.apkofarm.core.oci;

import dev.apkofarm.core.fs.ImageTree;
import java.io.IOException;
import java.util.concurrent.ExecutorService;

/** Writes a whole {@link ImageTree} as one gzipped tar layer into a {@link BlobSink}, as apko's single layer. */
public final class LayerWriter {
  private final GzipSettings gzip;
  private final ExecutorService pool;
  private final int threads;

  public LayerWriter(GzipSettings gzip, ExecutorService pool, int threads) {
    this.gzip = gzip;
    this.pool = pool;
    this.threads = threads;
  }

  /** Default settings on the shared compression pool. */
  public static LayerWriter withDefaults() {
    return new LayerWriter(
        GzipSettings.DEFAULT, GzipSettings.sharedPool(), Runtime.getRuntime().availableProcessors());
  }

  /** Starts a layer by hand (for layering strategies that route entries to several layers). */
  public LayerStream open(BlobSink sink) throws IOException {
    return new LayerStream(sink, gzip, pool, threads);
  }

  /** Walks the tree (Go's {@code fs.WalkDir} order) into one layer. */
  public Layer write(ImageTree tree, OwnerNames names, BlobSink sink) throws IOException {
    try (LayerStream layer = open(sink)) {
      tree.walk((path, node) -> layer.add(LayerEntry.of(path, node, names)));
      return layer.finish();
    }
  }
}
