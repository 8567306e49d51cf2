package dev.apkofarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  /**
   * The compressed bytes of inputs from empty to several blocks, as the stream wrote them before its arrays were
   * sized to what is written (digests computed with that code): how the stream allocates must never show in its
   * output, since layer digests are part of the farm's cache keys and of the golden images.
   */
  @ParameterizedTest
  @CsvSource({
    "65536, 0, 0, ac73670af3abed54ac6fb4695131f4099be9fbe39d6076c5d0264a6bbdae9d83",
    "65536, 3, 1, c4cc6f8071b07fdae2ca1639c705ed2ebcb2c81968d2daf2a1896d16954c3cd6",
    "65536, 1000, 2, 1fa05fcbd2ecbb083860c30b704840b1a21d4165599776534883873551d7c2ac",
    "65536, 16385, 3, 95db93aa0d6837741344122d11dd247ef8865550f7ac5d0ef754eeeeba32fcc9",
    "65536, 65535, 4, f03fc92b6eb4bcb552288118289b071e578929108b7161e48e4b64225df4110a",
    "65536, 65536, 5, 54f879710175b0e97e2f00efd84980ea2ce1f614439a5376f16b39a96cddf7ec",
    "65536, 65537, 6, a9b619196d265de141de59910f1034aab4b734ab09d4d9f682b29eec04bfe48f",
    "65536, 131077, 7, 69dcd312f9d443b29ee2798d98527a9584b6cf202a227f6daeffbb3571361c8b",
    "65536, 196731, 8, 83d40dfde4d109a20fcc10e989170167b908334f3ff9a9541a7905ee37ec541f",
    "1048576, 5000, 9, 44978d7d050edcaa7eef5478f7382934a307cd370607f1bf51ca979b2c26c470",
    "1048576, 1048575, 10, 143921f0ac82a2126081e0b1099aac1be3bf61ab1efe4a53f32c43c06e08b112",
    "1048576, 1048576, 11, f545441b86b51e906a1da80e5a1732678071ff342526608a5cac8d1138ffbc56",
    "1048576, 1048577, 12, 4fa49a87ea75c8d28f32e369b25b81230a3a7abef985ac83a562138e55d54fbb",
    "1048576, 2621451, 13, db5c8430825bf102be41e071fe842ec6297242d3982cf11c6ef3973f48ab203f",
  })
  void outputIsTheSameAsBeforeBuffersWereSizedToTheInput(int blockSize, int size, long seed, String sha256)
      throws Exception {
    GzipSettings settings = new GzipSettings(6, blockSize);
    byte[] data = sample(size, seed);
    for (int chunk : new int[] {1 << 20, 333, 7}) {
      if (chunk == 7 && size > 200_000) {
        continue;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, settings, pool, 2)) {
        for (int off = 0; off < data.length; off += chunk) {
          gz.write(data, off, Math.min(chunk, data.length - off));
        }
      }
      assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray())))
          .as("%d bytes in blocks of %d, written %d at a time", size, blockSize, chunk)
          .isEqualTo(sha256);
    }
  }

  @Test
  void headerCarriesNoTimeOrHostInformation() throws Exception {
    byte[] gz = compress(new byte[] {1, 2, 3}, 1, 3);

    assertThat(java.util.Arrays.copyOf(gz, 10))
        .containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
  }
}
