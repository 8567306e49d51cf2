package dev.apkofarm.coordinator.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a blob while its upload still writes it: the reader gets the bytes written so far, and its end comes only
 * with the store's verdict: a verified blob ends, an upload that breaks off or turns out to be other bytes fails the
 * reader, and the store never shows such a blob. Every step here runs on one thread: a read asks only for bytes that
 * were written before it.
 */
class ArrivingBlobTest {
  @TempDir Path tmp;

  private DiskBlobStore store;
  private final byte[] blob = new byte[3 * 1024 * 1024 + 17];
  private String digest;

  @BeforeEach
  void setUp() throws IOException {
    store = new DiskBlobStore(tmp.resolve("blobs"));
    new Random(7).nextBytes(blob);
    digest = Digest.of(blob).toString();
  }

  private static byte[] part(byte[] b, int from, int to) {
    return Arrays.copyOfRange(b, from, to);
  }

  private long leftovers() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("blobs/sha256"))) {
      return s.filter(p -> p.getFileName().toString().startsWith(".upload-")).count();
    }
  }

  @Test
  void aReaderFollowsTheUploadAndEndsOnlyOnceTheBlobIsVerifiedAndStored() throws IOException {
    int half = blob.length / 2;
    try (BlobStore.Writer w = store.writer(digest, blob.length);
        InputStream in = store.arriving(digest, 0).orElseThrow()) {
      w.write(blob, 0, half);

      assertThat(in.readNBytes(half)).isEqualTo(part(blob, 0, half));
      assertThat(store.has(digest)).isFalse();
      assertThat(store.arrivingSize(digest)).hasValue(blob.length);

      w.write(blob, half, blob.length - half);
      assertThat(in.readNBytes(blob.length - half)).isEqualTo(part(blob, half, blob.length));
      w.commit();

      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(store.has(digest)).isTrue();
    assertThat(store.arriving(digest, 0)).isEmpty();
  }

  @Test
  void aReaderFromAnOffsetGetsTheRest() throws IOException {
    try (BlobStore.Writer w = store.writer(digest, blob.length);
        InputStream in = store.arriving(digest, 1000).orElseThrow()) {
      w.write(blob, 0, blob.length);
      w.commit();

      assertThat(in.readAllBytes()).isEqualTo(part(blob, 1000, blob.length));
    }
  }

  @Test
  void anUploadThatBreaksOffFailsItsReadersAndLeavesNothing() throws IOException {
    InputStream in;
    try (BlobStore.Writer w = store.writer(digest, blob.length)) {
      in = store.arriving(digest, 0).orElseThrow();
      w.write(blob, 0, 1000);
      assertThat(in.readNBytes(1000)).isEqualTo(part(blob, 0, 1000));
    } // closed without a commit: the client went away

    assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("the upload of " + digest)
        .hasMessageContaining("broke off at byte 1000");
    in.close();
    assertThat(store.has(digest)).isFalse();
    assertThat(store.arriving(digest, 0)).isEmpty();
    assertThat(leftovers()).isZero();
  }

  @Test
  void bytesThatAreNotTheDigestsFailTheReaderInsteadOfEndingIt() throws IOException {
    byte[] other = blob.clone();
    other[other.length - 1] ^= 1;
    InputStream in;
    try (BlobStore.Writer w = store.writer(digest, blob.length)) {
      in = store.arriving(digest, 0).orElseThrow();
      w.write(other, 0, other.length);
      assertThat(in.readNBytes(other.length)).isEqualTo(other); // read early, never trusted: the end is refused

      assertThatThrownBy(w::commit).isInstanceOf(BlobVerificationException.class);
    }

    assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("are not " + digest);
    in.close();
    assertThat(store.has(digest)).isFalse();
  }

  @Test
  void aReaderOfAnExpectedBlobWaitsForItsUploadToBegin() throws IOException {
    store.expect(digest, Duration.ofMinutes(1));
    try (InputStream in = store.arriving(digest, 0).orElseThrow()) {
      try (BlobStore.Writer w = store.writer(digest, blob.length)) {
        w.write(blob, 0, blob.length);
        w.commit();
      }

      assertThat(in.readAllBytes()).isEqualTo(blob);
    }
  }

  @Test
  void anExpectedBlobWhoseUploadNeverBeginsFailsItsReaderAtTheDeadline() throws IOException {
    store.expect(digest, Duration.ZERO);

    try (ArrivingBlob in = store.arriving(digest, 0).orElseThrow()) {
      assertThatThrownBy(in::size).hasMessageContaining("its upload did not begin in time");
    }
  }

  @Test
  void nothingIsArrivingUnlessAnUploadIsUnderWayOrExpected() throws IOException {
    assertThat(store.arriving(digest, 0)).isEmpty();
    store.put(digest, blob.length, new java.io.ByteArrayInputStream(blob));
    store.expect(digest, Duration.ofMinutes(1)); // stored already: nothing to wait for

    assertThat(store.arriving(digest, 0)).isEmpty();
  }

  @Test
  void anUploadThatAnnouncesItsDigestWhileItsBytesStillComeIsFollowedFromThen() throws IOException {
    int half = blob.length / 2;
    try (BlobStore.Writer w = store.writer(1L << 30)) {
      w.write(blob, 0, half);
      assertThat(store.arriving(digest, 0)).isEmpty(); // not named yet: nobody can ask for it

      w.announce(digest, blob.length);
      try (InputStream in = store.arriving(digest, 0).orElseThrow()) {
        assertThat(in.readNBytes(half)).isEqualTo(part(blob, 0, half));
        w.write(blob, half, blob.length - half);
        w.commit();

        assertThat(in.readAllBytes()).isEqualTo(part(blob, half, blob.length));
      }
    }
    assertThat(store.has(digest)).isTrue();
  }

  @Test
  void theStoreSaysWhyAnUploadFailedUntilAnotherStoresTheBlob() throws IOException {
    try (BlobStore.Writer w = store.writer(digest, blob.length)) {
      w.write(blob, 0, 1000); // then its client goes away
    }
    assertThat(store.lastFailure(digest)).hasValue("it broke off at byte 1000 of " + blob.length);

    store.put(digest, blob.length, new java.io.ByteArrayInputStream(blob));

    assertThat(store.has(digest)).isTrue();
    assertThat(store.lastFailure(digest)).isEmpty();
  }
}
