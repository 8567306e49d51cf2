package dev.apkofarm.core.oci;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How layers are compressed: deflate level and block size of the parallel gzip stream. The compressed bytes depend
 * only on these two values (never on the number of threads), so {@link #identity()} is part of any cache key for
 * compressed layers.
 *
 * @param level deflate level, 1-9 (6 = gzip's default)
 * @param blockSize uncompressed bytes per independently compressed block
 */
public record GzipSettings(int level, int blockSize) {
  /** Level 6 in 1 MiB blocks, pgzip's defaults. */
  public static final GzipSettings DEFAULT = new GzipSettings(6, 1 << 20);

  public GzipSettings {
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("gzip level must be 1-9, got " + level);
    }
    if (blockSize < 64 * 1024 || blockSize > 64 * 1024 * 1024) {
      throw new IllegalArgumentException("gzip block size must be 64 KiB - 64 MiB, got " + blockSize);
    }
  }

  /** Names the compressor and its settings, e.g. {@code pgzip-zlib/6/1048576}. */
  public String identity() {
    return "pgzip-zlib/" + level + "/" + blockSize;
  }

  /**
   * A shared pool for block compression, one daemon thread per core. Compression tasks never block, so sharing one
   * pool between concurrent builds is safe.
   */
  public static ExecutorService sharedPool() {
    return Holder.POOL;
  }

  private static final class Holder {
    static final ExecutorService POOL =
        Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), new Daemons());
  }

  private static final class Daemons implements ThreadFactory {
    private final AtomicInteger n = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "gzip-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
