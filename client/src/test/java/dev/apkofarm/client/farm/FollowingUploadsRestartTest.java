package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.grpc.BlobServiceImpl;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.proto.v1.BlobServiceGrpc;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large package uploading after the submission when its coordinator restarts: the upload breaks off with the
 * coordinator, and the client goes on with it once a new coordinator (same data directory, without the package)
 * serves under the same address, from the byte the first one kept. Real gRPC (in-process transport), a real store;
 * the first coordinator holds the upload back (it takes the first chunk, then nothing) until it is stopped.
 */
class FollowingUploadsRestartTest {
  @TempDir Path tmp;

  private final String name = "uploads-" + UUID.randomUUID();
  private final AtomicInteger uploads = new AtomicInteger();
  /** The offset of the first chunk of each upload the counting coordinator served. */
  private final List<Long> offsets = new java.util.concurrent.CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  private Server serve(DiskBlobStore store, ServerInterceptor... interceptors) throws IOException {
    return InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(new BlobServiceImpl(store, Optional.empty()), interceptors))
        .build().start();
  }

  /** Counts the uploads that reach the service. */
  private ServerInterceptor counting() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        if (!call.getMethodDescriptor().equals(BlobServiceGrpc.getUploadMethod())) {
          return delegate;
        }
        uploads.incrementAndGet();
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
          private boolean first = true;

          @Override
          public void onMessage(Q message) {
            if (first) {
              first = false;
              offsets.add(((dev.apkofarm.proto.v1.UploadChunk) message).getOffset());
            }
            super.onMessage(message);
          }
        };
      }
    };
  }

  /** Lets an upload's first message through, counts {@code arrived} down, and drops the rest (a stalled upload). */
  private static ServerInterceptor holdingBack(CountDownLatch arrived) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        if (!call.getMethodDescriptor().equals(BlobServiceGrpc.getUploadMethod())) {
          return delegate;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
          private boolean first = true;

          @Override
          public void onMessage(Q message) {
            if (first) {
              first = false;
              super.onMessage(message);
              arrived.countDown();
            }
            call.request(1); // keep the client sending into nowhere
          }

          @Override
          public void onHalfClose() {
            // never confirmed: the coordinator dies first
          }
        };
      }
    };
  }

  private LocalFiles.Shipped largePackage() throws IOException {
    byte[] bytes = new byte[3 * 1024 * 1024 + 17];
    new Random(16).nextBytes(bytes);
    Path file = tmp.resolve("big.apk");
    Files.write(file, bytes);
    return new LocalFiles.Shipped("repo/x86_64/big.apk", file, null, bytes.length);
  }

  @Test
  void anUploadBrokenOffByACoordinatorRestartGoesOnOnceTheNewOneServes() throws Exception {
    LocalFiles.Shipped pkg = largePackage();
    String digest = Digest.of(Files.readAllBytes(pkg.file())).toString();
    Path blobs = tmp.resolve("data/blobs");
    CountDownLatch arrived = new CountDownLatch(1);
    server = serve(new DiskBlobStore(blobs), holdingBack(arrived));
    channel = InProcessChannelBuilder.forName(name).build();

    try (FollowingUploads following = FollowingUploads.start(new BlobTransfer(channel), List.of(pkg))) {
      assertThat(following.awaitAnnounced()).containsEntry(pkg.file(), digest);
      assertThat(arrived.await(1, TimeUnit.MINUTES)).isTrue();
      DiskBlobStore before = new DiskBlobStore(blobs);
      assertThat(before.has(digest)).isFalse();

      server.shutdownNow(); // the coordinator goes away mid-upload
      assertThat(server.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
      DiskBlobStore restarted = new DiskBlobStore(blobs);
      server = serve(restarted, counting());

      assertThat(following.await()).isEmpty();
      assertThat(restarted.has(digest)).isTrue();
      try (var in = restarted.open(digest).orElseThrow()) {
        assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(pkg.file()));
      }
      assertThat(uploads.get()).as("sent again once").isEqualTo(1);
      assertThat(offsets).as("from the byte after the chunk the first coordinator kept")
          .containsExactly((long) BlobTransfer.CHUNK);
    }
  }

  @Test
  void aPackageTheRestartedCoordinatorHasIsNotSentAgain() throws Exception {
    LocalFiles.Shipped pkg = largePackage();
    byte[] bytes = Files.readAllBytes(pkg.file());
    String digest = Digest.of(bytes).toString();
    Path blobs = tmp.resolve("data/blobs");
    CountDownLatch arrived = new CountDownLatch(1);
    server = serve(new DiskBlobStore(blobs), holdingBack(arrived));
    channel = InProcessChannelBuilder.forName(name).build();

    try (FollowingUploads following = FollowingUploads.start(new BlobTransfer(channel), List.of(pkg))) {
      assertThat(arrived.await(1, TimeUnit.MINUTES)).isTrue();
      server.shutdownNow();
      assertThat(server.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
      DiskBlobStore restarted = new DiskBlobStore(blobs);
      try (var w = restarted.writer(digest, bytes.length)) { // another client's upload of it finished meanwhile
        w.write(bytes, 0, bytes.length);
        w.commit();
      }
      server = serve(restarted, counting());

      assertThat(following.await()).isEmpty();
      assertThat(uploads.get()).isZero();
      assertThat(restarted.has(digest)).isTrue();
    }
  }
}
