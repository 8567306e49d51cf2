package dev.apkofarm.coordinator.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.cache.LocalBlob;
import dev.apkofarm.core.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded farm's package cache: what the coordinator puts in (small packages a client ships) the worker reads
 * back byte for byte; a blob over the inline limit is not kept, and the whole stays within its bound, the least
 * recently used going first.
 */
class InProcessCacheTest {
  @TempDir Path tmp;

  private static final BlobKey A = new BlobKey("apk:aaaa");
  private static final BlobKey B = new BlobKey("apk:bbbb");
  private static final BlobKey C = new BlobKey("apk:cccc");

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i);
    }
    return b;
  }

  private static byte[] read(InProcessCache cache, BlobKey key) throws IOException {
    Optional<InputStream> in = cache.open(key);
    assertThat(in).as(key.value()).isPresent();
    try (InputStream s = in.get()) {
      return s.readAllBytes();
    }
  }

  @Test
  void whatIsPutIsReadBackAndRemovedOnRequest() throws IOException {
    InProcessCache cache = new InProcessCache(100, 1000);

    cache.put(A, new ByteArrayInputStream(bytes(100, 1)));

    assertThat(cache.contains(A)).isTrue();
    assertThat(read(cache, A)).isEqualTo(bytes(100, 1));
    assertThat(read(cache, A)).as("a second reader gets the same bytes").isEqualTo(bytes(100, 1));
    cache.remove(A);
    assertThat(cache.open(A)).isEmpty();
    assertThat(cache.contains(A)).isFalse();
    assertThat(cache.bytes()).isZero();
    assertThat(cache.claim(A)).as("no claims in one process: the caller fetches").isPresent();
  }

  @Test
  void aBlobOverTheInlineLimitIsNotKept() throws IOException {
    InProcessCache cache = new InProcessCache(100, 1000);
    Path large = Files.write(tmp.resolve("large"), bytes(101, 2));
    Path small = Files.write(tmp.resolve("small"), bytes(99, 3));

    cache.put(A, new ByteArrayInputStream(bytes(101, 2)));
    cache.offer(B, new LocalBlob(large, Digest.of(bytes(101, 2)), 101));
    cache.offer(C, new LocalBlob(small, Digest.of(bytes(99, 3)), 99));

    assertThat(cache.open(A)).isEmpty();
    assertThat(cache.open(B)).isEmpty();
    assertThat(read(cache, C)).isEqualTo(bytes(99, 3));
    assertThat(cache.bytes()).isEqualTo(99);
  }

  @Test
  void theLeastRecentlyUsedGoesWhenTheBoundIsReached() throws IOException {
    InProcessCache cache = new InProcessCache(100, 250);
    cache.put(A, new ByteArrayInputStream(bytes(100, 1)));
    cache.put(B, new ByteArrayInputStream(bytes(100, 2)));
    read(cache, A); // A is now used more recently than B

    cache.put(C, new ByteArrayInputStream(bytes(100, 3)));

    assertThat(cache.contains(A)).isTrue();
    assertThat(cache.contains(B)).isFalse();
    assertThat(cache.contains(C)).isTrue();
    assertThat(cache.bytes()).isEqualTo(200);
  }

  @Test
  void aKeyPutTwiceKeepsItsFirstBytesAndCountsOnce() throws IOException {
    InProcessCache cache = new InProcessCache(100, 1000);
    cache.put(A, new ByteArrayInputStream(bytes(10, 1)));
    cache.put(A, new ByteArrayInputStream(bytes(20, 2)));

    assertThat(read(cache, A)).isEqualTo(bytes(10, 1));
    assertThat(cache.bytes()).isEqualTo(10);
  }
}
