package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.testing.UploadInterceptors;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.grpc.BlobServiceImpl;
import dev.apkofarm.core.oci.Digest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
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
  /** The uploads the restarted coordinator served. */
  private final List<UploadInterceptors.Call> uploads = new java.util.concurrent.CopyOnWriteArrayList<>();
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
    server = serve(new DiskBlobStore(blobs), UploadInterceptors.stallingAfter(1, arrived));
    channel = InProcessChannelBuilder.forName(name).build();

    try (FollowingUploads following = FollowingUploads.start(new BlobTransfer(channel), List.of(pkg))) {
      assertThat(following.awaitAnnounced()).containsEntry(pkg.file(), digest);
      assertThat(arrived.await(1, TimeUnit.MINUTES)).isTrue();
      DiskBlobStore before = new DiskBlobStore(blobs);
      assertThat(before.has(digest)).isFalse();

      server.shutdownNow(); // the coordinator goes away mid-upload
      assertThat(server.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
      DiskBlobStore restarted = new DiskBlobStore(blobs);
      server = serve(restarted, UploadInterceptors.recording(uploads));

      assertThat(following.await()).isEmpty();
      assertThat(restarted.has(digest)).isTrue();
      try (var in = restarted.open(digest).orElseThrow()) {
        assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(pkg.file()));
      }
      assertThat(uploads).as("sent again once, from the byte after the chunk the first coordinator kept")
          .singleElement().satisfies(u -> assertThat(u.firstOffset()).isEqualTo(BlobTransfer.CHUNK));
    }
  }

  @Test
  void aPackageTheRestartedCoordinatorHasIsNotSentAgain() throws Exception {
    LocalFiles.Shipped pkg = largePackage();
    byte[] bytes = Files.readAllBytes(pkg.file());
    String digest = Digest.of(bytes).toString();
    Path blobs = tmp.resolve("data/blobs");
    CountDownLatch arrived = new CountDownLatch(1);
    server = serve(new DiskBlobStore(blobs), UploadInterceptors.stallingAfter(1, arrived));
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
      server = serve(restarted, UploadInterceptors.recording(uploads));

      assertThat(following.await()).isEmpty();
      assertThat(uploads).isEmpty();
      assertThat(restarted.has(digest)).isTrue();
    }
  }
}
