package dev.apkofarm.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.blobs.StreamingUpload;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.proto.v1.BlobServiceGrpc;
import dev.apkofarm.proto.v1.UploadChunk;
import io.grpc.ForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
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
import java.util.concurrent.atomic.AtomicLong;
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
  /** The first chunk's offset and the bytes of every upload call the restarted coordinator served. */
  private final List<long[]> calls = new CopyOnWriteArrayList<>();
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

  /** Lets the first {@link #TAKEN} chunks of each upload through, counts {@code taken} down, then stalls it. */
  private static ServerInterceptor stallingAfterAFew(CountDownLatch taken) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        if (!call.getMethodDescriptor().equals(BlobServiceGrpc.getUploadMethod())) {
          return delegate;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
          private int seen;

          @Override
          public void onMessage(Q message) {
            if (++seen <= TAKEN) {
              super.onMessage(message); // written to the temp file before this returns
              if (seen == TAKEN) {
                taken.countDown();
              }
            }
            call.request(1); // the rest goes nowhere
          }

          @Override
          public void onHalfClose() {
            // never confirmed: the coordinator dies first
          }
        };
      }
    };
  }

  /** Records each upload call's first offset and the data bytes it carried. */
  private ServerInterceptor recording() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        if (!call.getMethodDescriptor().equals(BlobServiceGrpc.getUploadMethod())) {
          return delegate;
        }
        long[] record = {-1, 0};
        calls.add(record);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
          @Override
          public void onMessage(Q message) {
            UploadChunk c = (UploadChunk) message;
            if (record[0] < 0) {
              record[0] = c.getOffset();
            }
            record[1] += c.getData().size();
            super.onMessage(message);
          }
        };
      }
    };
  }

  /** Stops the first coordinator and starts another on the same data directory under the same name. */
  private DiskBlobStore restart() throws Exception {
    server.shutdownNow();
    assertThat(server.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    DiskBlobStore restarted = new DiskBlobStore(blobs);
    server = serve(restarted, recording());
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
    CountDownLatch taken = new CountDownLatch(1);
    server = serve(new DiskBlobStore(blobs), stallingAfterAFew(taken));
    channel = InProcessChannelBuilder.forName(name).build();
    BlobTransfer transfer = new BlobTransfer(channel, Duration.ofMinutes(1)); // a worker's: waits for a restart

    CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
      try {
        transfer.upload(digest, file, List.of());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(taken.await(1, TimeUnit.MINUTES)).isTrue();
    DiskBlobStore restarted = restart();
    upload.get(1, TimeUnit.MINUTES);

    assertThat(stored(restarted)).isEqualTo(blob);
    long kept = (long) TAKEN * BlobTransfer.CHUNK;
    assertThat(calls).as("one call, from the first byte not kept").singleElement()
        .satisfies(c -> assertThat(c).containsExactly(kept, blob.length - kept));
    assertThat(keptFiles()).isZero();
  }

  @Test
  void aLayerWhoseStreamARestartBrokeIsUploadedAfterTheBuildFromTheByteKept() throws Exception {
    CountDownLatch taken = new CountDownLatch(1);
    server = serve(new DiskBlobStore(blobs), stallingAfterAFew(taken));
    channel = InProcessChannelBuilder.forName(name).build();
    BlobTransfer transfer = new BlobTransfer(channel, Duration.ofMinutes(1));

    StreamingUpload stream = transfer.stream("a layer", "job/image/x86_64/1");
    int written = 0;
    for (; written < (TAKEN + 1) * BlobTransfer.CHUNK; written += 1000) {
      stream.write(blob, written, 1000); // the layer as the compressor writes it
    }
    assertThat(taken.await(1, TimeUnit.MINUTES)).isTrue();
    DiskBlobStore restarted = restart();
    stream.write(blob, written, blob.length - written); // dropped: the stream broke with the coordinator
    assertThat(stream.finish(Digest.parse(digest), blob.length)).isFalse();
    assertThat(stream.failure()).isPresent();

    transfer.upload(digest, file, List.of()); // what Delivery does with a blob the coordinator lacks

    assertThat(stored(restarted)).isEqualTo(blob);
    long kept = (long) TAKEN * BlobTransfer.CHUNK;
    assertThat(calls).singleElement().satisfies(c -> assertThat(c).containsExactly(kept, blob.length - kept));
  }

  @Test
  void keptBytesThatAreNotTheBlobsAreSentAgainWhole() throws Exception {
    CountDownLatch taken = new CountDownLatch(1);
    server = serve(new DiskBlobStore(blobs), stallingAfterAFew(taken));
    channel = InProcessChannelBuilder.forName(name).build();
    BlobTransfer transfer = new BlobTransfer(channel, Duration.ofMinutes(1));
    StreamingUpload stream = transfer.stream("a layer");
    stream.write(blob, 0, (TAKEN + 1) * BlobTransfer.CHUNK);
    assertThat(taken.await(1, TimeUnit.MINUTES)).isTrue();
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
    AtomicLong bytes = new AtomicLong();
    calls.forEach(c -> bytes.addAndGet(c[1]));
    assertThat(calls).as("resumed and refused, then whole").hasSize(2);
    assertThat(calls.get(0)[0]).isEqualTo(kept);
    assertThat(calls.get(1)).containsExactly(0, blob.length);
    assertThat(keptFiles()).isZero();
  }
}
