package dev.apkofarm.cluster.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.core.cache.BlobKey;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two real members on loopback share one cache. */
class HazelcastBlobCacheTest {
  private static HazelcastInstance first;
  private static HazelcastInstance second;

  @BeforeAll
  static void startMembers() {
    String cluster = "cache-test-" + UUID.randomUUID();
    first = Members.start(MemberSettings.loopback(cluster, List.of()));
    second = Members.start(MemberSettings.loopback(cluster, List.of(Members.address(first))));
  }

  @AfterAll
  static void stopMembers() {
    second.shutdown();
    first.shutdown();
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] read(Optional<InputStream> in) throws IOException {
    try (InputStream s = in.orElseThrow()) {
      return s.readAllBytes();
    }
  }

  @Test
  void membersFormOneCluster() {
    assertThat(first.getCluster().getMembers()).hasSize(2);
  }

  @Test
  void aBlobPutThroughOneMemberReadsBackThroughTheOtherInChunks() throws IOException {
    HazelcastBlobCache writer = new HazelcastBlobCache(first, 1000);
    HazelcastBlobCache reader = new HazelcastBlobCache(second, 1000);
    BlobKey key = new BlobKey("sha256:" + "1".repeat(64));
    byte[] content = random(10_500, 1);

    writer.put(key, new ByteArrayInputStream(content));

    assertThat(read(reader.open(key))).isEqualTo(content);
    assertThat(second.getMap(Members.CACHE_CHUNKS).containsKey(HazelcastBlobCache.chunkKey(key, 10))).isTrue();
    assertThat(second.getMap(Members.CACHE_CHUNKS).containsKey(HazelcastBlobCache.chunkKey(key, 11))).isFalse();
    assertThat(reader.hits()).isEqualTo(1);
  }

  @Test
  void anEmptyBlobIsStoredToo() throws IOException {
    HazelcastBlobCache cache = new HazelcastBlobCache(first);
    BlobKey key = new BlobKey("sha256:" + "2".repeat(64));
    cache.put(key, new ByteArrayInputStream(new byte[0]));
    assertThat(read(cache.open(key))).isEmpty();
  }

  @Test
  void countsMissesAndExposesThemAsMetrics() throws IOException {
    HazelcastBlobCache cache = new HazelcastBlobCache(first);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    cache.bindTo(registry);

    assertThat(cache.open(new BlobKey("apk:absent"))).isEmpty();

    assertThat(cache.misses()).isEqualTo(1);
    assertThat(registry.scrape()).contains("apkofarm_cache_requests_total{result=\"miss\"} 1.0");
  }

  @Test
  void aBlobThatLostAChunkReadsShortSoVerificationRejectsIt() throws IOException {
    HazelcastBlobCache cache = new HazelcastBlobCache(first, 100);
    BlobKey key = new BlobKey("sha256:" + "3".repeat(64));
    byte[] content = random(1000, 3);
    cache.put(key, new ByteArrayInputStream(content));

    second.getMap(Members.CACHE_CHUNKS).delete(HazelcastBlobCache.chunkKey(key, 4));

    assertThat(read(cache.open(key))).hasSize(400).isEqualTo(java.util.Arrays.copyOf(content, 400));
  }

  @Test
  void removeDropsEveryChunkSoTheNextReadIsAMiss() throws IOException {
    HazelcastBlobCache cache = new HazelcastBlobCache(first, 100);
    BlobKey key = new BlobKey("sha256:" + "4".repeat(64));
    cache.put(key, new ByteArrayInputStream(random(550, 4)));

    new HazelcastBlobCache(second, 100).remove(key);

    assertThat(cache.open(key)).isEmpty();
    for (int i = 0; i < 6; i++) {
      assertThat(first.getMap(Members.CACHE_CHUNKS).containsKey(HazelcastBlobCache.chunkKey(key, i))).isFalse();
    }
  }
}
