package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.grpc.BlobServiceImpl;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.testing.CuttingProxy;
import dev.apkofarm.proto.v1.Descriptor;
import dev.apkofarm.proto.v1.ImageStatus;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client downloading an image from a real coordinator blob service over loopback gRPC: a download whose
 * connection is cut goes on from the byte it reached, and a run after an interrupted one takes up what that one left
 * (a wrong partial blob is dropped and fetched again), always ending with the exact layout.
 */
class LayoutWriterTest {
  private static final int LAYER = 6 * 1024 * 1024;

  @TempDir Path tmp;

  private byte[] layer;
  private ImageStatus image;
  private final Map<String, List<Long>> offsets = new ConcurrentHashMap<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void store() throws Exception {
    DiskBlobStore disk = new DiskBlobStore(tmp.resolve("store"));
    layer = new byte[LAYER];
    new Random(16).nextBytes(layer);
    Descriptor layerRef = put(disk, MediaType.OCI_LAYER_GZIP, layer);
    Descriptor config = put(disk, MediaType.OCI_CONFIG, "{\"architecture\":\"amd64\"}".getBytes(StandardCharsets.UTF_8));
    Descriptor manifest = put(disk, MediaType.OCI_MANIFEST, ("{\"config\":\"" + config.getDigest() + "\",\"layer\":\""
        + layerRef.getDigest() + "\"}").getBytes(StandardCharsets.UTF_8));
    Descriptor index = put(disk, MediaType.OCI_INDEX, ("{\"manifests\":[\"" + manifest.getDigest() + "\"]}")
        .getBytes(StandardCharsets.UTF_8));
    image = ImageStatus.newBuilder().setName("img").setIndex(index).addBlobs(manifest).addBlobs(config)
        .addBlobs(layerRef).build();
    server = Transport.server("127.0.0.1", 0, Transport.Security.plaintextLoopback(),
        List.of(new BlobServiceImpl(new Recording(disk), Optional.empty()).bindService()));
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    server.shutdownNow();
  }

  private static Descriptor put(DiskBlobStore store, String mediaType, byte[] bytes) throws IOException {
    String d = Digest.of(bytes).toString();
    store.put(d, bytes.length, new ByteArrayInputStream(bytes));
    return Descriptor.newBuilder().setMediaType(mediaType).setDigest(d).setSize(bytes.length).build();
  }

  private LayoutWriter writer(int port) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    return new LayoutWriter(new BlobTransfer(channel));
  }

  private String layerDigest() {
    return image.getBlobs(2).getDigest();
  }

  private Path partialLayer() {
    return tmp.resolve("out/.img.partial/blobs/sha256/" + Digest.parse(layerDigest()).hex() + ".part");
  }

  private void assertLayout(Path layout) throws IOException {
    assertThat(Files.readAllBytes(layout.resolve("blobs/sha256/" + Digest.parse(layerDigest()).hex())))
        .isEqualTo(layer);
    assertThat(layout.resolve("index.json")).exists();
    assertThat(tmp.resolve("out/.img.partial")).doesNotExist();
  }

  @Test
  void aDownloadCutOffMidwayGoesOnFromTheByteItReached() throws Exception {
    try (CuttingProxy proxy = CuttingProxy.downstream(server.getPort(), 2 * 1024 * 1024)) {
      int port = Integer.parseInt(proxy.host().substring(proxy.host().lastIndexOf(':') + 1));

      Path layout = writer(port).write(tmp.resolve("out"), image);

      assertLayout(layout);
      assertThat(proxy.cuts()).isEqualTo(1);
      List<Long> asked = offsets.get(layerDigest());
      assertThat(asked).hasSize(2).first().isEqualTo(0L);
      assertThat(asked.get(1)).isPositive().isLessThan((long) LAYER);
    }
  }

  @Test
  void aRunAfterAnInterruptedOneDownloadsOnlyWhatIsMissing() throws Exception {
    Files.createDirectories(partialLayer().getParent());
    Files.write(partialLayer(), Arrays.copyOf(layer, 4 * 1024 * 1024));

    Path layout = writer(server.getPort()).write(tmp.resolve("out"), image);

    assertLayout(layout);
    assertThat(offsets.get(layerDigest())).containsExactly(4L * 1024 * 1024);
  }

  @Test
  void aPartialBlobWithWrongBytesIsDroppedAndDownloadedAgainFromItsStart() throws Exception {
    byte[] wrong = Arrays.copyOf(layer, 1024 * 1024);
    wrong[1000] ^= 0x5a;
    Files.createDirectories(partialLayer().getParent());
    Files.write(partialLayer(), wrong);

    Path layout = writer(server.getPort()).write(tmp.resolve("out"), image);

    assertLayout(layout);
    assertThat(offsets.get(layerDigest())).containsExactly(1024L * 1024, 0L);
  }

  /** The coordinator's disk store, recording the offset of every read. */
  private final class Recording implements BlobStore {
    private final DiskBlobStore disk;

    Recording(DiskBlobStore disk) {
      this.disk = disk;
    }

    @Override
    public boolean has(String digest) {
      return disk.has(digest);
    }

    @Override
    public OptionalLong size(String digest) {
      return disk.size(digest);
    }

    @Override
    public Optional<InputStream> open(String digest) throws IOException {
      return open(digest, 0);
    }

    @Override
    public Optional<InputStream> open(String digest, long offset) throws IOException {
      offsets.computeIfAbsent(digest, d -> new CopyOnWriteArrayList<>()).add(offset);
      return disk.open(digest, offset);
    }

    @Override
    public Writer writer(String digest, long size) throws IOException {
      return disk.writer(digest, size);
    }
  }
}
