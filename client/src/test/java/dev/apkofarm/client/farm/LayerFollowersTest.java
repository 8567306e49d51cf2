package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.blobs.StreamingUpload;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.grpc.BlobServiceImpl;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.testing.Await;
import dev.apkofarm.proto.v1.JobEvent;
import dev.apkofarm.proto.v1.TaskClaimed;
import dev.apkofarm.proto.v1.TaskDone;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit --output}'s layer follows over real loopback gRPC to a coordinator's blob service: a claimed task's
 * layer, streamed by its "worker" under the task's follow key, lands in the image's staging directory under its
 * digest while it is being uploaded; a task that streams nothing leaves no follow waiting once it is done.
 */
class LayerFollowersTest {
  @TempDir Path tmp;

  private Server server;
  private ManagedChannel channel;
  private BlobTransfer blobs;

  @BeforeEach
  void start() throws IOException {
    DiskBlobStore store = new DiskBlobStore(tmp.resolve("coordinator"));
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

  private static JobEvent claimed(String image, String arch, int attempt) {
    return JobEvent.newBuilder().setTaskClaimed(TaskClaimed.newBuilder().setImage(image).setArch(arch)
        .setAttempt(attempt)).build();
  }

  private static JobEvent done(String image, String arch) {
    return JobEvent.newBuilder().setTaskDone(TaskDone.newBuilder().setImage(image).setArch(arch)).build();
  }

  @Test
  void aClaimedTasksLayerIsStagedUnderItsDigestWhileItsWorkerStreamsIt() throws Exception {
    byte[] layer = new byte[2 * 1024 * 1024 + 5];
    new Random(5).nextBytes(layer);
    Path output = tmp.resolve("out");
    try (LayerFollowers followers = new LayerFollowers(blobs, output, "j-1")) {
      followers.on(claimed("web", "amd64", 1));
      followers.on(claimed("web", "arm64", 1)); // never streams: its worker failed before the layer, say

      StreamingUpload up = blobs.stream("a layer", BlobTransfer.followKey("j-1", "web", "amd64", 1));
      up.write(layer, 0, 1024 * 1024);
      // The worker's task ends after its layer is stored; a follow that had no bytes by then is stopped (and the
      // layer downloaded after the job), so this one is given the time a real build's compression gives it.
      awaitFollowBytes(LayoutWriter.staging(output, "web"));
      up.write(layer, 1024 * 1024, layer.length - 1024 * 1024);
      assertThat(up.finish(Digest.of(layer), layer.length)).isTrue();
      followers.on(done("web", "amd64"));
      followers.on(done("web", "arm64"));
      followers.settle(); // returns: the arm64 follow had nothing, and is stopped

      assertThat(followers.followed()).isEqualTo(1);
      Path staged = new DirectoryBlobStore(LayoutWriter.staging(output, "web")).path(Digest.of(layer));
      assertThat(Files.readAllBytes(staged)).isEqualTo(layer);
      try (var files = Files.list(LayoutWriter.staging(output, "web"))) {
        assertThat(files.filter(p -> p.getFileName().toString().startsWith(".follow-"))).isEmpty();
      }
    }
  }

  @Test
  void aFollowReceivesTheLayerBeforeTheUploadEnds() throws Exception {
    byte[] layer = new byte[4 * 1024 * 1024];
    new Random(6).nextBytes(layer);
    Path output = tmp.resolve("out");
    try (LayerFollowers followers = new LayerFollowers(blobs, output, "j-2")) {
      followers.on(claimed("db", "amd64", 2));
      StreamingUpload up = blobs.stream("a layer", BlobTransfer.followKey("j-2", "db", "amd64", 2));
      up.write(layer, 0, 3 * 1024 * 1024);
      Path staging = LayoutWriter.staging(output, "db");
      // The follow's temp file grows before the upload is finished: the bytes come during the build.
      awaitFollowBytes(staging);
      up.write(layer, 3 * 1024 * 1024, layer.length - 3 * 1024 * 1024);
      assertThat(up.finish(Digest.of(layer), layer.length)).isTrue();
      followers.on(done("db", "amd64"));
      followers.settle();

      assertThat(followers.followed()).isEqualTo(1);
      assertThat(new DirectoryBlobStore(staging).contains(Digest.of(layer))).isTrue();
    }
  }

  /** Waits until a follow's temp file in {@code staging} has bytes. */
  private static void awaitFollowBytes(Path staging) {
    Await.until(Duration.ofSeconds(30), "the follow to write the layer's first bytes", () -> {
      try (var files = Files.list(staging)) {
        return files.anyMatch(p -> p.getFileName().toString().startsWith(".follow-") && size(p) > 0);
      } catch (IOException e) {
        return false; // the staging directory is not made yet
      }
    });
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0; // moved into place meanwhile
    }
  }
}
