package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.testing.CuttingProxy;
import dev.apkofarm.core.testing.LocalRegistry;
import dev.apkofarm.core.testing.Skopeo;
import dev.apkofarm.core.testing.SyntheticImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection really dropped in the middle of a large blob upload (a TCP proxy in front of a real registry resets
 * it after N bytes): the push resumes or restarts and the tag ends up on an intact image.
 */
class ResumeIT {
  private static final long PAYLOAD = 6L << 20;
  @TempDir static Path shared;
  private static LocalRegistry registry;

  @TempDir Path tmp;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = LocalRegistry.start(shared.resolve("registry"));
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private PublishResult publishThroughCut(String name, long chunkSize, CuttingProxy proxy, List<PushEvent> events)
      throws Exception {
    SyntheticImage image = SyntheticImage.write(tmp.resolve("layout"), PAYLOAD, name);
    try (proxy) {
      RegistryClient client =
          RegistryClient.create(
              proxy.host(),
              RegistryOptions.builder()
                  .credentials(CredentialSource.none())
                  .chunkSize(chunkSize)
                  .parallelUploads(1)
                  .retry(new RetryPolicy(3, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(50)))
                  .listener(events::add)
                  .build());
      PublishResult r =
          new Publisher(client, PublishOptions.defaults())
              .publish(ImageSet.fromOciLayout(image.layout()), ImageRef.parse(proxy.host() + "/cut/" + name),
                  List.of("latest"), List.of(), Optional.empty());
      assertThat(proxy.cuts()).as("the proxy cut a connection").isEqualTo(1);
      assertThat(r.digest()).isEqualTo(image.index());
      verifyIntact(image, registry.host() + "/cut/" + name + ":latest");
      return r;
    }
  }

  private void verifyIntact(SyntheticImage image, String ref) throws Exception {
    for (String arch : List.of("amd64", "arm64")) {
      Path out = tmp.resolve("copy-" + arch);
      Skopeo.plain().copyPlatform(ref, arch, out).ok();
      Digest layer = image.layers().get(arch);
      assertThat(Digest.of(Files.readAllBytes(out.resolve(layer.hex())))).isEqualTo(layer);
      Path stored = registry.blobFile(layer.hex()).orElseThrow();
      assertThat(Files.size(stored)).isEqualTo(Files.size(image.layout().resolve("blobs/sha256/" + layer.hex())));
    }
  }

  @Test
  void aChunkedUploadCutInsideAChunkRecoversAndTheTagPointsAtAnIntactImage() throws Exception {
    List<PushEvent> events = new ArrayList<>();

    PublishResult r =
        publishThroughCut("chunked", 1L << 20, new CuttingProxy(registry.port(), (3L << 20) + (600 << 10)), events);

    // Whether the registry kept part of the cut chunk decides: distribution 2.8 then cancels the session when asked
    // for its status (the stored size no longer matches the session token) and the client starts a fresh one;
    // when it kept nothing of the chunk, the client resumes at the chunk's start.
    assertThat(r.stats().resumes() + r.stats().restarts()).isPositive();
    assertThat(events)
        .anyMatch(e -> e instanceof PushEvent.UploadResumed || e instanceof PushEvent.UploadRestarted);
    assertThat(r.stats().blobsUploaded()).isEqualTo(4);
  }

  @Test
  void aChunkedUploadCutBetweenChunksResumesAtTheRegistrysOffset() throws Exception {
    List<PushEvent> events = new ArrayList<>();

    // the third PATCH is cut in its request line: the registry holds exactly two chunks
    PublishResult r =
        publishThroughCut("resume", 1L << 20, CuttingProxy.atMarker(registry.port(), "PATCH /v2/", 3), events);

    assertThat(r.stats().resumes()).isEqualTo(1);
    assertThat(r.stats().restarts()).isZero();
    assertThat(events).filteredOn(e -> e instanceof PushEvent.UploadResumed)
        .singleElement()
        .satisfies(e -> assertThat(((PushEvent.UploadResumed) e).offset()).isEqualTo(2L << 20));
    // nothing was sent twice: the payloads plus the small blobs, and no chunk again
    long layoutBytes = 0;
    for (Path p : Files.newDirectoryStream(tmp.resolve("layout/blobs/sha256"))) {
      layoutBytes += Files.size(p);
    }
    assertThat(r.stats().bytesUploaded()).isLessThanOrEqualTo(layoutBytes + (1L << 20));
  }

  @Test
  void aMonolithicUploadCutMidwayRestartsCleanly() throws Exception {
    List<PushEvent> events = new ArrayList<>();

    PublishResult r = publishThroughCut("monolithic", 64L << 20, new CuttingProxy(registry.port(), 2L << 20), events);

    assertThat(r.stats().restarts()).isEqualTo(1);
    assertThat(events).anyMatch(e -> e instanceof PushEvent.UploadRestarted);
  }
}
