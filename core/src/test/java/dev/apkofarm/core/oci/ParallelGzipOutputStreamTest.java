package dev.apkofarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ParallelGzipOutputStreamTest {
  private static final GzipSettings SMALL_BLOCKS = new GzipSettings(6, 64 * 1024);
  private static ExecutorService pool;

  @BeforeAll
  static void startPool() {
    pool = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  /** Half random, half repetitive text: exercises both stored-like and well-compressed blocks. */
  static byte[] sample(int size, long seed) {
    Random r = new Random(seed);
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (i / 4096) % 2 == 0 ? (byte) r.nextInt(256) : (byte) ("lorem ipsum dolor ".charAt(i % 18));
    }
    return b;
  }

  private static byte[] compress(byte[] data, int threads, int chunk) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, SMALL_BLOCKS, pool, threads)) {
      for (int off = 0; off < data.length; off += chunk) {
        gz.write(data, off, Math.min(chunk, data.length - off));
      }
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] gz) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @Test
  void decompressesToTheInputAcrossManyBlocks() throws Exception {
    byte[] data = sample(5 * 1024 * 1024 + 12345, 1);

    assertThat(gunzip(compress(data, 2, 10_000))).isEqualTo(data);
  }

  @Test
  void outputDependsOnlyOnInputNotOnThreadsOrWriteSizes() throws Exception {
    byte[] data = sample(3 * 1024 * 1024 + 7, 2);

    byte[] a = compress(data, 1, 1 << 20);
    byte[] b = compress(data, 4, 333);

    assertThat(a).isEqualTo(b);
  }

  @Test
  void handlesEmptyInputAndExactBlockMultiples() throws Exception {
    assertThat(gunzip(compress(new byte[0], 2, 1))).isEmpty();
    byte[] exact = sample(4 * 64 * 1024, 3);
    assertThat(gunzip(compress(exact, 2, 64 * 1024))).isEqualTo(exact);
  }

  @Test
  void headerCarriesNoTimeOrHostInformation() throws Exception {
    byte[] gz = compress(new byte[] {1, 2, 3}, 1, 3);

    assertThat(java.util.Arrays.copyOf(gz, 10))
        .containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
  }
}
