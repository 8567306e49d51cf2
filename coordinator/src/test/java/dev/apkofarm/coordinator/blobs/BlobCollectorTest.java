package dev.apkofarm.coordinator.blobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blob collection on a real {@link DiskBlobStore} whose clock the test moves: what is unreferenced and older than the
 * grace period goes; what is referenced, young, asked for, expected, arriving or being written stays; a restart in
 * between changes nothing (a blob's time is on the disk).
 */
class BlobCollectorTest {
  private static final Duration GRACE = Duration.ofHours(1);

  @TempDir Path tmp;

  /** A clock the test moves; it starts at the real time, which an upload's temp file is written at. */
  private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private DiskBlobStore store;
  private BlobCollector collector;

  @BeforeEach
  void start() throws IOException {
    open();
  }

  /** (Re)starts the store and collector on the same directories, as a restarted coordinator does. */
  private void open() throws IOException {
    store = new DiskBlobStore(tmp.resolve("blobs"), clock);
    collector = new BlobCollector(store, tmp.resolve("inputs"), GRACE, meters);
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private String put(byte[] b) throws IOException {
    String d = Digest.of(b).toString();
    store.put(d, b.length, new ByteArrayInputStream(b));
    return d;
  }

  private BlobCollector.Sweep sweep(Set<String> referenced) throws IOException {
    return collector.sweep(referenced, Set.of());
  }

  @Test
  void anUnreferencedBlobOlderThanTheGracePeriodIsRemovedAndCounted() throws IOException {
    byte[] b = bytes(5000, 1);
    String d = put(b);
    clock.advance(GRACE.plusSeconds(1));

    BlobCollector.Sweep s = sweep(Set.of());

    assertThat(store.has(d)).isFalse();
    assertThat(s.blobs()).isEqualTo(1);
    assertThat(s.bytes()).isEqualTo(5000);
    assertThat(meters.counter("apkofarm.blobs.collected").count()).isEqualTo(1);
    assertThat(meters.counter("apkofarm.blobs.collected.bytes").count()).isEqualTo(5000);
  }

  @Test
  void aReferencedBlobStaysWhateverItsAge() throws IOException {
    String d = put(bytes(100, 2));
    clock.advance(Duration.ofDays(30));

    BlobCollector.Sweep s = sweep(Set.of(d));

    assertThat(store.has(d)).isTrue();
    assertThat(s.blobs()).isZero();
    assertThat(s.kept()).isEqualTo(1);
  }

  @Test
  void anUnreferencedBlobYoungerThanTheGracePeriodStaysUntilItIsOld() throws IOException {
    String d = put(bytes(100, 3));
    clock.advance(GRACE.minusMinutes(1));
    sweep(Set.of());
    assertThat(store.has(d)).as("uploaded for a submission not made yet").isTrue();

    clock.advance(Duration.ofMinutes(2));
    sweep(Set.of());
    assertThat(store.has(d)).isFalse();
  }

  @Test
  void aBlobAClientWasToldTheStoreHasIsYoungAgain() throws IOException {
    String d = put(bytes(100, 4));
    clock.advance(GRACE.minusMinutes(1));
    assertThat(store.keep(d)).isTrue(); // FindMissing: the client will name it without uploading it
    clock.advance(GRACE.minusMinutes(1));

    sweep(Set.of());

    assertThat(store.has(d)).isTrue();
    assertThat(store.keep("sha256:" + "0".repeat(64))).isFalse();
  }

  @Test
  void aBlobStoredAgainIsYoungAgain() throws IOException {
    byte[] b = bytes(100, 5);
    String d = put(b);
    clock.advance(GRACE.minusMinutes(1));
    put(b); // a worker's second upload of a layer it built again
    clock.advance(GRACE.minusMinutes(1));

    sweep(Set.of());

    assertThat(store.has(d)).isTrue();
  }

  @Test
  void anArrivingBlobAndItsUploadStayAndItsReaderEndsWithTheStoredBlob() throws IOException {
    byte[] b = bytes(3 * 1024 * 1024, 6);
    String d = Digest.of(b).toString();
    int half = b.length / 2;
    try (BlobStore.Writer w = store.writer(d, b.length); InputStream in = store.arriving(d, 0).orElseThrow()) {
      w.write(b, 0, half);
      clock.advance(Duration.ofDays(1)); // an upload that stalls for a day is still an upload

      BlobCollector.Sweep s = sweep(Set.of());
      assertThat(s.uploads()).isZero();

      assertThat(in.readNBytes(half)).isEqualTo(java.util.Arrays.copyOfRange(b, 0, half));
      w.write(b, half, b.length - half);
      w.commit();
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(b, half, b.length));
    }
    sweep(Set.of());
    assertThat(store.has(d)).as("stored now, so young").isTrue();
  }

  @Test
  void aBlobStreamedWithoutItsDigestYetStays() throws IOException {
    byte[] b = bytes(1000, 7);
    try (BlobStore.Writer w = store.writer(1 << 20)) { // a layer streamed while a worker writes it
      w.write(b, 0, 500);
      clock.advance(Duration.ofDays(1));
      sweep(Set.of());
      w.write(b, 500, 500);
      w.announce(Digest.of(b).toString(), b.length);
      w.commit();
    }
    assertThat(store.has(Digest.of(b).toString())).isTrue();
  }

  @Test
  void aBlobWhoseUploadIsExpectedStays() throws IOException {
    byte[] b = bytes(100, 8);
    String d = Digest.of(b).toString();
    store.expect(d, Duration.ofMinutes(2)); // a restarted coordinator waits for its re-upload
    // A copy stored by another path with an old time (say, restored from a backup of the data dir).
    Files.write(store.path(d), b);
    Files.setLastModifiedTime(store.path(d), java.nio.file.attribute.FileTime.from(clock.instant()));
    clock.advance(GRACE.plusMinutes(1));

    sweep(Set.of());

    assertThat(store.has(d)).isTrue();
  }

  @Test
  void aKilledCoordinatorsUploadIsRemovedOnceOldAfterARestart() throws IOException {
    Path leftover = store.root().resolve("sha256").resolve(DiskBlobStore.UPLOAD_PREFIX + "123.tmp");
    Files.write(leftover, bytes(4096, 9)); // SIGKILL mid-upload: no writer closed it
    open(); // restarted

    sweep(Set.of());
    assertThat(leftover).as("young: it could be another coordinator's upload just begun").exists();

    clock.advance(GRACE.plusSeconds(1));
    BlobCollector.Sweep s = sweep(Set.of());
    assertThat(leftover).doesNotExist();
    assertThat(s.uploads()).isEqualTo(1);
    assertThat(s.bytes()).isEqualTo(4096);
  }

  @Test
  void aRestartInBetweenKeepsEachBlobsTimeAndReferencesDecide() throws IOException {
    String old = put(bytes(100, 10));
    String referenced = put(bytes(100, 11));
    clock.advance(GRACE.minusMinutes(10));
    String young = put(bytes(100, 12));
    open(); // the coordinator is killed and started again on the same data dir
    clock.advance(Duration.ofMinutes(20));

    sweep(Set.of(referenced));

    assertThat(store.has(old)).isFalse();
    assertThat(store.has(referenced)).isTrue();
    assertThat(store.has(young)).isTrue();
  }

  @Test
  void inputTreesOfNoLiveJobGoOnceOldAndALiveJobsTreeStays() throws IOException {
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    String live = "a".repeat(64);
    String dead = "b".repeat(64);
    String fresh = "c".repeat(64);
    for (String t : new String[] {live, dead}) {
      Files.createDirectories(inputs.resolve(t).resolve("repo/x86_64"));
      Files.writeString(inputs.resolve(t).resolve("repo/x86_64/APKINDEX.tar.gz"), "index");
      Files.setLastModifiedTime(inputs.resolve(t), java.nio.file.attribute.FileTime.from(clock.instant()));
    }
    clock.advance(GRACE.plusMinutes(1));
    Files.createDirectories(inputs.resolve(fresh));
    store.keepDirectory(inputs.resolve(fresh)); // laid out (or used again) by a submission just now

    BlobCollector.Sweep s = collector.sweep(Set.of(), Set.of(live));

    assertThat(inputs.resolve(live)).exists();
    assertThat(inputs.resolve(dead)).doesNotExist();
    assertThat(inputs.resolve(fresh)).exists();
    assertThat(s.trees()).isEqualTo(1);
    try (var left = Files.list(inputs)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(live, fresh);
    }
  }
}
