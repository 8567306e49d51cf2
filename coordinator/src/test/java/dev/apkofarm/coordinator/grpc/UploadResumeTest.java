package dev.apkofarm.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.blobs.StreamingUpload;
import dev.apkofarm.cluster.testing.UploadInterceptors;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.core.oci.Digest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads that a coordinator restart breaks off go on from the byte the coordinator kept, not from byte 0: the
 * whole-blob upload a worker or client makes after it (waiting for the coordinator to come back), and a layer
 * streamed while it was written, which the worker uploads after the build. Real gRPC (in-process transport, the new
 * coordinator serving under the same name) and real stores on one data directory; the first coordinator takes a few
 * chunks and then nothing until it is stopped, so the break comes at a known byte without timing.
 */
class UploadResumeTest {
  private static final int TAKEN = 3; // chunks the first coordinator stores before it stalls

  @TempDir Path tmp;

  private final String name = "resume-" + UUID.randomUUID();
  private final byte[] blob = random(3 * 1024 * 1024 + 17);
  private final String digest = Digest.of(blob).toString();
  /** Every upload call the restarted coordinator served. */
  private final List<UploadInterceptors.Call> calls = new CopyOnWriteArrayList<>();
  private Path blobs;
  private Path file;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void write() throws IOException {
    blobs = tmp.resolve("data/blobs");
    file = tmp.resolve("blob");
    Files.write(file, blob);
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private Server serve(DiskBlobStore store, ServerInterceptor interceptor) throws IOException {
    return InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(new BlobServiceImpl(store, Optional.empty()), interceptor))
        .build().start();
  }

  /** Counted down once the first coordinator has taken its chunks of an upload. */
  private final CountDownLatch taken = new CountDownLatch(1);

  /**
   * Starts the first coordinator, which stalls each upload after {@link #TAKEN} chunks; returns a worker's transfers
   * to it (they wait up to a minute for a coordinator to come back).
   */
  private BlobTransfer firstCoordinator() throws IOException {
    server = serve(new DiskBlobStore(blobs), UploadInterceptors.stallingAfter(TAKEN, taken));
    channel = InProcessChannelBuilder.forName(name).build();
    return new BlobTransfer(channel, Duration.ofMinutes(1));
  }

  /** Stops the first coordinator and starts another on the same data directory under the same name. */
  private DiskBlobStore restart() throws Exception {
    server.shutdownNow();
    assertThat(server.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    DiskBlobStore restarted = new DiskBlobStore(blobs);
    server = serve(restarted, UploadInterceptors.recording(calls));
    return restarted;
  }

  private byte[] stored(DiskBlobStore store) throws IOException {
    try (InputStream in = store.open(digest).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  private long keptFiles() throws IOException {
    try (Stream<Path> s = Files.list(blobs.resolve("sha256"))) {
      return s.filter(p -> p.getFileName().toString().startsWith(".upload-")).count();
    }
  }

  @Test
  void anUploadBrokenOffByARestartGoesOnFromTheByteTheCoordinatorKept() throws Exception {
    BlobTransfer transfer = firstCoordinator();

    CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
      try {
        transfer.upload(digest, file, List.of());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(taken.await(1, TimeUnit.MINUTES)).as("the first coordinator took its chunks").isTrue();
    DiskBlobStore restarted = restart();
    upload.get(1, TimeUnit.MINUTES);

    assertThat(stored(restarted)).isEqualTo(blob);
    long kept = (long) TAKEN * BlobTransfer.CHUNK;
    assertThat(calls).as("one call, from the first byte not kept").singleElement()
        .satisfies(c -> assertThat(new long[] {c.firstOffset(), c.bytes()}).containsExactly(kept, blob.length - kept));
    assertThat(keptFiles()).isZero();
  }

  @Test
  void aLayerWhoseStreamARestartBrokeIsUploadedAfterTheBuildFromTheByteKept() throws Exception {
    BlobTransfer transfer = firstCoordinator();

    StreamingUpload stream = transfer.stream("a layer", "job/image/x86_64/1");
    int written = 0;
    for (; written < (TAKEN + 1) * BlobTransfer.CHUNK; written += 1000) {
      stream.write(blob, written, 1000); // the layer as the compressor writes it
    }
    assertThat(taken.await(1, TimeUnit.MINUTES)).as("the first coordinator took its chunks").isTrue();
    DiskBlobStore restarted = restart();
    stream.write(blob, written, blob.length - written); // dropped: the stream broke with the coordinator
    assertThat(stream.finish(Digest.parse(digest), blob.length)).isFalse();
    assertThat(stream.failure()).isPresent();

    transfer.upload(digest, file, List.of()); // what Delivery does with a blob the coordinator lacks

    assertThat(stored(restarted)).isEqualTo(blob);
    long kept = (long) TAKEN * BlobTransfer.CHUNK;
    assertThat(calls).singleElement()
        .satisfies(c -> assertThat(new long[] {c.firstOffset(), c.bytes()}).containsExactly(kept, blob.length - kept));
  }

  @Test
  void keptBytesThatAreNotTheBlobsAreSentAgainWhole() throws Exception {
    BlobTransfer transfer = firstCoordinator();
    StreamingUpload stream = transfer.stream("a layer");
    stream.write(blob, 0, (TAKEN + 1) * BlobTransfer.CHUNK);
    assertThat(taken.await(1, TimeUnit.MINUTES)).as("the first coordinator took its chunks").isTrue();
    DiskBlobStore restarted = restart();
    assertThat(stream.finish(Digest.parse(digest), blob.length)).isFalse();
    Path keptFile;
    try (Stream<Path> s = Files.list(blobs.resolve("sha256"))) {
      keptFile = s.filter(p -> p.getFileName().toString().startsWith(".upload-resume-")).findFirst().orElseThrow();
    }
    byte[] onDisk = Files.readAllBytes(keptFile);
    onDisk[100] ^= 1; // the disk, or someone else, spoiled what was kept
    Files.write(keptFile, onDisk);

    transfer.upload(digest, file, List.of());

    assertThat(stored(restarted)).isEqualTo(blob);
    long kept = (long) TAKEN * BlobTransfer.CHUNK;
    assertThat(calls).as("resumed and refused, then whole").hasSize(2);
    assertThat(calls.get(0).firstOffset()).isEqualTo(kept);
    assertThat(new long[] {calls.get(1).firstOffset(), calls.get(1).bytes()}).containsExactly(0, blob.length);
    assertThat(keptFiles()).isZero();
  }
}
