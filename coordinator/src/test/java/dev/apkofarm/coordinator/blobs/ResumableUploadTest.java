package dev.apkofarm.coordinator.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads resumable by a key on a real {@link DiskBlobStore}: what a broken-off call wrote is kept, across a restart
 * (a new store on the same directory) too, and a resumption goes on from its offset; nothing kept is trusted (bytes
 * that are not the blob's fail the commit and go); a resumed call takes the file over from a call still open; a
 * kept upload nobody resumes is collected once idle.
 */
class ResumableUploadTest {
  private static final String KEY = "3f1c2a9e-upload";

  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final byte[] blob = random(700_001);
  private final String digest = Digest.of(blob).toString();
  private DiskBlobStore store;

  @BeforeEach
  void open() throws IOException {
    store = new DiskBlobStore(tmp.resolve("blobs"), clock);
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static BlobStore.Resume resume(long offset) {
    return new BlobStore.Resume(KEY, offset);
  }

  /** Writes {@code blob[from, to)} into a new writer of {@code resume} and closes it without committing. */
  private void breakOff(Optional<BlobStore.Resume> resume, int from, int to) throws IOException {
    try (BlobStore.Writer w = store.writer(digest, blob.length, resume)) {
      assertThat(w.written()).isEqualTo(from);
      w.write(blob, from, to - from);
    }
  }

  private void resumeAndCommit(long from) throws IOException {
    try (BlobStore.Writer w = store.writer(digest, blob.length, Optional.of(resume(from)))) {
      assertThat(w.written()).isEqualTo(from);
      w.write(blob, (int) from, blob.length - (int) from);
      w.commit();
    }
  }

  private byte[] stored() throws IOException {
    try (InputStream in = store.open(digest).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  @Test
  void aBrokenOffUploadIsKeptAcrossARestartAndGoesOnFromWhereItStopped() throws IOException {
    breakOff(Optional.of(resume(0)), 0, 300_000);
    assertThat(store.resumable(KEY)).isEqualTo(300_000);
    assertThat(store.has(digest)).isFalse();

    open(); // the coordinator restarted on the same data
    assertThat(store.resumable(KEY)).isEqualTo(300_000);
    resumeAndCommit(300_000);

    assertThat(stored()).isEqualTo(blob);
    assertThat(store.resumable(KEY)).as("the temp file became the blob").isZero();
  }

  @Test
  void aResumptionMayGoOnFromFewerBytesThanAreKept() throws IOException {
    breakOff(Optional.of(resume(0)), 0, 300_000);
    resumeAndCommit(123_456); // the sender was told less, or chose to resend some

    assertThat(stored()).isEqualTo(blob);
  }

  @Test
  void keptBytesThatAreNotTheBlobsFailTheCommitAndAreDeleted() throws IOException {
    breakOff(Optional.of(resume(0)), 0, 300_000);
    Path kept = store.resumePath(KEY);
    byte[] onDisk = Files.readAllBytes(kept);
    onDisk[17] ^= 1; // a bad disk, or another sender's bytes under the key
    Files.write(kept, onDisk);

    try (BlobStore.Writer w = store.writer(digest, blob.length, Optional.of(resume(300_000)))) {
      w.write(blob, 300_000, blob.length - 300_000);
      assertThatThrownBy(w::commit).isInstanceOf(BlobVerificationException.class).hasMessageContaining("has digest");
    }
    assertThat(store.has(digest)).isFalse();
    assertThat(kept).as("a resumption of it starts over").doesNotExist();
    assertThat(store.resumable(KEY)).isZero();
  }

  @Test
  void anOffsetPastWhatIsKeptIsRefusedAndKeepsWhatThereIs() throws IOException {
    breakOff(Optional.of(resume(0)), 0, 1000);

    assertThatThrownBy(() -> store.writer(digest, blob.length, Optional.of(resume(2000))))
        .isInstanceOf(UploadNotResumableException.class).hasMessageContaining("1000 bytes of it are kept");
    assertThat(store.resumable(KEY)).isEqualTo(1000);
    assertThatThrownBy(() -> store.writer(digest, blob.length, Optional.of(new BlobStore.Resume("never-began", 1))))
        .isInstanceOf(UploadNotResumableException.class);
    assertThatThrownBy(() -> store.writer(digest, blob.length, Optional.of(resume(blob.length + 1L))))
        .isInstanceOf(BlobVerificationException.class);
  }

  @Test
  void anUploadWithoutAResumeKeyLeavesNothing() throws IOException {
    breakOff(Optional.empty(), 0, 300_000);

    try (var files = Files.list(tmp.resolve("blobs/sha256"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aResumedCallTakesTheFileOverFromACallThatHasNotEndedYet() throws IOException {
    BlobStore.Writer stale = store.writer(digest, blob.length, Optional.of(resume(0)));
    stale.write(blob, 0, 400_000);

    resumeAndCommit(250_000); // its sender saw the call break at 250,000; this end had not noticed yet

    assertThatThrownBy(() -> stale.write(blob, 400_000, 10)).hasMessageContaining("resumed by another call");
    assertThatThrownBy(stale::commit).hasMessageContaining("resumed by another call");
    stale.close();
    assertThat(stored()).isEqualTo(blob);
  }

  @Test
  void aStreamedUploadResumesOnceItsDigestIsKnown() throws IOException {
    // A worker's layer: streamed without its digest, broken off; uploaded after the build, digest first.
    try (BlobStore.Writer w = store.writer(1L << 30, "job/image/x86_64/1", Optional.of(resume(0)))) {
      w.write(blob, 0, 500_000);
    }
    open();
    resumeAndCommit(store.resumable(KEY));

    assertThat(stored()).isEqualTo(blob);
  }

  @Test
  void aKeptUploadNobodyResumesIsCollectedOnceIdle() throws IOException {
    breakOff(Optional.of(resume(0)), 0, 300_000);
    BlobCollector collector = new BlobCollector(store, tmp.resolve("inputs"), Duration.ofHours(1),
        new SimpleMeterRegistry());

    assertThat(collector.sweep(Set.of(), Set.of()).uploads()).as("young: its sender may come back").isZero();
    assertThat(store.resumable(KEY)).isEqualTo(300_000);
    clock.advance(Duration.ofHours(2));
    assertThat(collector.sweep(Set.of(), Set.of()).uploads()).isEqualTo(1);
    assertThat(store.resumable(KEY)).isZero();
  }

  @Test
  void keysAreNeverPaths() {
    Path p = store.resumePath("../../etc/passwd");
    assertThat(p.getParent()).isEqualTo(tmp.resolve("blobs/sha256"));
    assertThat(p.getFileName().toString()).startsWith(DiskBlobStore.UPLOAD_PREFIX).doesNotContain("passwd");
    assertThat(Arrays.asList(store.resumePath("a"), store.resumePath("b"))).doesNotHaveDuplicates();
  }
}
