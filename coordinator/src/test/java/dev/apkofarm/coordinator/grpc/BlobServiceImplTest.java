package dev.apkofarm.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.blobs.FollowedUpload;
import dev.apkofarm.cluster.blobs.StreamingUpload;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.testing.Await;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's blob service over real loopback gRPC: blobs streamed before their digest is known (a worker's
 * layer while it is compressed) are stored once the announced digest checks out and refused otherwise, leaving
 * nothing behind; downloads start at the offset asked.
 */
class BlobServiceImplTest {
  @TempDir Path tmp;

  private DiskBlobStore store;
  private Server server;
  private ManagedChannel channel;
  private BlobTransfer blobs;

  @BeforeEach
  void start() throws IOException {
    store = new DiskBlobStore(tmp.resolve("blobs"));
    server = Transport.server("127.0.0.1", 0, Transport.Security.plaintextLoopback(),
        List.of(new BlobServiceImpl(store, Optional.empty()).bindService()));
    channel = Transport.channel("127.0.0.1:" + server.getPort(), Transport.Security.plaintextLoopback());
    blobs = new BlobTransfer(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  /** Follows {@code follow} into {@code into} on another thread: its digest, or an UncheckedIOException. */
  private static CompletableFuture<Digest> inBackground(FollowedUpload follow, OutputStream into) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return follow.copyTo(into);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  /** Writes {@code bytes} into {@code up} in uneven pieces, as a compressor would. */
  private static void write(StreamingUpload up, byte[] bytes) throws IOException {
    for (int off = 0; off < bytes.length; ) {
      int n = Math.min(bytes.length - off, 70_001);
      up.write(bytes, off, n);
      off += n;
    }
  }

  private long leftovers() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("blobs/sha256"))) {
      return s.filter(p -> p.getFileName().toString().startsWith(".upload-")).count();
    }
  }

  @Test
  void aBlobStreamedBeforeItsDigestIsKnownIsStoredOnceTheDigestChecksOut() throws IOException {
    byte[] layer = random(3 * 1024 * 1024 + 5);
    Digest d = Digest.of(layer);
    StreamingUpload up = blobs.stream("layer");

    write(up, layer);

    assertThat(up.finish(d, layer.length)).isTrue();
    try (InputStream in = store.open(d.toString()).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(layer);
    }
    assertThat(leftovers()).isZero();
  }

  /** The sizes around the stream's first array and a whole chunk, written a byte at a time and in one piece. */
  @Test
  void smallBlobsStreamedAndDownloadedComeBackWhole() throws IOException {
    for (int size : new int[] {0, 1, 16 * 1024, 16 * 1024 + 1, 256 * 1024, 256 * 1024 + 1}) {
      for (boolean byteAtATime : new boolean[] {true, false}) {
        byte[] blob = random(size + (byteAtATime ? 0 : 7));
        Digest d = Digest.of(blob);
        StreamingUpload up = blobs.stream("blob");
        if (byteAtATime) {
          for (byte b : blob) {
            up.write(b);
          }
        } else {
          up.write(blob, 0, blob.length);
        }

        assertThat(up.finish(d, blob.length)).as("%d bytes", blob.length).isTrue();
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertThat(blobs.download(d.toString(), back)).isEqualTo(blob.length);
        assertThat(back.toByteArray()).isEqualTo(blob);
      }
    }
  }

  @Test
  void aStreamedBlobAnnouncedUnderAnotherDigestIsRefusedAndNothingIsKept() throws IOException {
    byte[] layer = random(1024 * 1024);
    Digest claimed = Digest.of(new byte[] {1});
    StreamingUpload up = blobs.stream("layer");

    write(up, layer);

    assertThat(up.finish(claimed, layer.length)).isFalse();
    assertThat(up.failure().orElseThrow()).hasMessageContaining("has digest " + Digest.of(layer));
    assertThat(store.has(claimed.toString())).isFalse();
    assertThat(store.has(Digest.of(layer).toString())).isFalse();
    assertThat(leftovers()).isZero();
  }

  @Test
  void aCancelledStreamLeavesNothingBehind() throws Exception {
    byte[] layer = random(2 * 1024 * 1024);
    StreamingUpload up = blobs.stream("layer");
    write(up, layer);

    up.cancel();

    Await.until(Duration.ofSeconds(30), "the upload's temp file to go",
        () -> {
          try {
            return leftovers() == 0;
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
    assertThat(store.has(Digest.of(layer).toString())).isFalse();
  }

  @Test
  void aDownloadStartsAtTheOffsetAskedAndTheWholeIsVerified() throws IOException {
    byte[] blob = random(2 * 1024 * 1024 + 3);
    String d = Digest.of(blob).toString();
    store.put(d, blob.length, new ByteArrayInputStream(blob));
    java.security.MessageDigest sha = Digest.newSha256();
    sha.update(blob, 0, 1_000_000);
    ByteArrayOutputStream rest = new ByteArrayOutputStream();

    assertThat(blobs.download(d, 1_000_000, sha, rest)).isEqualTo(blob.length);

    assertThat(rest.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(blob, 1_000_000, blob.length));
    assertThatThrownBy(() -> blobs.open(d, blob.length + 1).read()).hasMessageContaining("OUT_OF_RANGE");
  }

  /** A stream of {@code bytes} that stops after {@code pause} bytes until {@code go} is counted down. */
  private static InputStream pausing(byte[] bytes, int pause, java.util.concurrent.CountDownLatch go) {
    return new InputStream() {
      private int pos;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos == pause) {
          try {
            if (!go.await(2, java.util.concurrent.TimeUnit.MINUTES)) {
              throw new IOException("the downloader never got the first part");
            }
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
          }
        }
        if (pos == bytes.length) {
          return -1;
        }
        int n = Math.min(len, (pos < pause ? pause : bytes.length) - pos);
        System.arraycopy(bytes, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  /**
   * Waits until the coordinator has taken in a begun upload's announcement. {@code begin} returns once the header is
   * queued, not once the server has read it, and a download of a digest the store neither has nor expects is
   * NOT_FOUND at once (a client announces before it submits; here nothing else orders the two calls).
   */
  private void awaitAnnounced(String digest, long size) throws Exception {
    Await.until(Duration.ofSeconds(30), "the coordinator to take in the upload's announcement",
        () -> store.arrivingSize(digest).equals(java.util.OptionalLong.of(size)));
  }

  @Test
  void aBlobIsDownloadedWhileItsUploadStillSendsItAndTheDownloadEndsOnceItIsStored() throws Exception {
    byte[] blob = random(4 * 1024 * 1024 + 9);
    String d = Digest.of(blob).toString();
    int pause = 3 * 1024 * 1024;
    java.util.concurrent.CountDownLatch firstPart = new java.util.concurrent.CountDownLatch(1);
    BlobTransfer.Begun upload = blobs.begin(d, blob.length);
    awaitAnnounced(d, blob.length);
    java.util.concurrent.CompletableFuture<Void> sent = java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        upload.send(pausing(blob, pause, firstPart));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    try (InputStream in = blobs.open(d)) {
      // The upload holds back the rest until the download has the first part: only a download that follows the
      // upload gets here (one that waited for the stored blob would wait forever, and the upload would fail).
      byte[] first = in.readNBytes(2 * 1024 * 1024);
      assertThat(first).isEqualTo(java.util.Arrays.copyOfRange(blob, 0, first.length));
      assertThat(store.has(d)).isFalse();
      firstPart.countDown();

      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(blob, first.length, blob.length));
    }
    sent.get();
    assertThat(store.has(d)).isTrue();
  }

  @Test
  void aDownloadOfABlobWhoseUploadIsAbandonedFailsAndNothingIsStored() throws Exception {
    byte[] blob = random(2 * 1024 * 1024);
    String d = Digest.of(blob).toString();
    java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
    BlobTransfer.Begun upload = blobs.begin(d, blob.length);
    awaitAnnounced(d, blob.length);
    java.util.concurrent.CompletableFuture<Void> sent = java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        upload.send(pausing(blob, 1024 * 1024, never));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    try (InputStream in = blobs.open(d)) {
      assertThat(in.readNBytes(512 * 1024)).isEqualTo(java.util.Arrays.copyOfRange(blob, 0, 512 * 1024));
      upload.cancel(); // the client goes away mid-upload

      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining(d);
    }
    never.countDown();
    assertThatThrownBy(sent::get).hasCauseInstanceOf(UncheckedIOException.class);
    assertThat(store.has(d)).isFalse();
    // A reader that comes later (a task's next attempt) is told why the blob is missing, not only that it is.
    Await.until(Duration.ofSeconds(30), "the store to note the upload's failure", () -> store.lastFailure(d).isPresent());
    assertThatThrownBy(() -> blobs.open(d)).isInstanceOf(IOException.class)
        .hasMessageContaining("NOT_FOUND").hasMessageContaining("its upload failed: it broke off at byte");
    Await.until(Duration.ofSeconds(30), "the upload's temp file to go", () -> {
      try {
        return leftovers() == 0;
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void aFollowerReadsAnUploadStreamedUnderItsKeyAsItArrivesAndEndsWithItsDigestOnceStored() throws Exception {
    byte[] blob = random(3 * 1024 * 1024 + 17);
    int first = 2 * 1024 * 1024;
    FollowedUpload follow = blobs.follow("j-1/img/amd64/1");
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    // The follower asks before the upload begins: it waits for it.
    CompletableFuture<Digest> followed = inBackground(follow, got);
    StreamingUpload up = blobs.stream("a layer", "j-1/img/amd64/1");
    write(up, java.util.Arrays.copyOfRange(blob, 0, first));
    // Only a follower that reads the upload as it arrives gets these bytes while the blob is still unfinished.
    Await.until(Duration.ofSeconds(30), "the follower to have the first part", () -> follow.received() >= first - 256 * 1024);
    assertThat(followed).isNotDone();
    write(up, java.util.Arrays.copyOfRange(blob, first, blob.length));
    assertThat(up.finish(Digest.of(blob), blob.length)).isTrue();

    assertThat(followed.get(30, TimeUnit.SECONDS)).isEqualTo(Digest.of(blob));
    assertThat(got.toByteArray()).isEqualTo(blob);
    assertThat(store.has(Digest.of(blob).toString())).isTrue();
  }

  @Test
  void aFollowerOfAnUploadThatBreaksOffFailsAndAFollowerOfNoUploadIsCancelled() throws Exception {
    FollowedUpload follow = blobs.follow("j-2/img/amd64/1");
    CompletableFuture<Digest> followed = inBackground(follow, OutputStream.nullOutputStream());
    StreamingUpload up = blobs.stream("a layer", "j-2/img/amd64/1");
    write(up, random(1024 * 1024));
    Await.until(Duration.ofSeconds(30), "the follower to have bytes", () -> follow.received() > 0);
    up.cancel(); // the worker went away mid-layer

    assertThatThrownBy(() -> followed.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(UncheckedIOException.class);

    FollowedUpload never = blobs.follow("j-3/img/amd64/1");
    CompletableFuture<Digest> waiting = inBackground(never, OutputStream.nullOutputStream());
    never.cancel();
    assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(UncheckedIOException.class);
  }

  @Test
  void aFollowKeyThatIsNotPrintableIsRefused() {
    assertThatThrownBy(() -> blobs.follow("j-4/img\n/amd64/1").copyTo(OutputStream.nullOutputStream()))
        .isInstanceOf(IOException.class).hasMessageContaining("INVALID_ARGUMENT");
  }
}
