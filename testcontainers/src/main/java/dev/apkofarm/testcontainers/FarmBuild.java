package dev.apkofarm.testcontainers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.apkofarm.client.farm.JobFollower;
import dev.apkofarm.client.farm.LayoutWriter;
import dev.apkofarm.client.farm.LocalFiles;
import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.contract.MapEntries;
import dev.apkofarm.cluster.security.BearerToken;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.proto.v1.BuildOptions;
import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.FileRef;
import dev.apkofarm.proto.v1.GetJobRequest;
import dev.apkofarm.proto.v1.ImageSource;
import dev.apkofarm.proto.v1.ImageState;
import dev.apkofarm.proto.v1.ImageStatus;
import dev.apkofarm.proto.v1.Job;
import dev.apkofarm.proto.v1.Output;
import dev.apkofarm.proto.v1.ReturnArtefacts;
import dev.apkofarm.proto.v1.SubmitRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A locked config built on a farm instead of in this process: what {@code apko-client submit CONFIG --coordinator
 * HOST:PORT --output DIR} does for one config and one arch, with the client's farm code (the local files a config
 * names are shipped content-addressed, the job followed to its end, the image downloaded digest-verified as an OCI
 * layout), then read back for {@link DockerLoad}. Plaintext only to a loopback coordinator; the bearer token is
 * {@code $APKO_FARM_TOKEN}, as for the CLI.
 */
final class FarmBuild {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FarmBuild() {}

  static ImageFiles build(LockedConfig locked, String target) throws BadInputException, IOException {
    ManagedChannel channel;
    try {
      channel = Transport.channel(target, new Transport.Security(Optional.empty(), false, BearerToken.load(null)));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("withCoordinator(\"" + target + "\"): " + e.getMessage());
    }
    TemporaryDirectory scratch = TemporaryDirectory.create("apko-farm-testcontainers-");
    try {
      ImageStatus image = run(channel, locked, target);
      Path layout = new LayoutWriter(new BlobTransfer(channel)).write(scratch.path().resolve("layout"), image);
      return read(layout, scratch);
    } catch (StatusRuntimeException e) {
      scratch.close();
      Status s = e.getStatus();
      String what = "farm " + target + ": " + (s.getDescription() == null ? s.getCode() : s.getDescription());
      if (s.getCode() == Status.Code.INVALID_ARGUMENT || s.getCode() == Status.Code.NOT_FOUND
          || s.getCode() == Status.Code.UNAUTHENTICATED || s.getCode() == Status.Code.PERMISSION_DENIED) {
        throw new BadInputException(what);
      }
      throw new IOException(what, e);
    } catch (BadInputException | IOException | RuntimeException e) {
      scratch.close();
      throw e;
    } finally {
      channel.shutdownNow();
    }
  }

  /** Submits the config, follows the job to its end and returns the image's final status. */
  private static ImageStatus run(ManagedChannel channel, LockedConfig locked, String target)
      throws BadInputException, IOException {
    Path workDir = locked.request().workDir();
    Path config = locked.loaded().path();
    // The farm lays the shipped files out relative to the working directory, the config among them.
    String display = config.startsWith(workDir) ? workDir.relativize(config).toString() : locked.loaded().name();
    String name = LockedConfig.repositoryName(config);
    ImageSource.Builder source = ImageSource.newBuilder().setName(name).setFileName(display)
        .setConfigYaml(ByteString.copyFrom(locked.loaded().topLevelBytes()));
    Map<String, LocalFiles.Shipped> files = LocalFiles.of(workDir, display, List.of(locked.arch()));
    Map<String, FileRef> refs = new TreeMap<>();
    files.forEach((path, f) -> refs.put(path, FileRef.newBuilder().setDigest(f.digest()).setSize(f.size()).build()));
    source.addAllFiles(MapEntries.toFileEntries(refs));
    BlobTransfer blobs = new BlobTransfer(channel);
    Map<String, LocalFiles.Shipped> byDigest = new TreeMap<>();
    files.values().forEach(f -> byDigest.putIfAbsent(f.digest(), f));
    for (String digest : blobs.missing(byDigest.keySet())) {
      blobs.upload(digest, byDigest.get(digest).file(), List.of());
    }
    BuildOptions.Builder options = BuildOptions.newBuilder()
        .addAllAnnotations(MapEntries.toStringEntries(locked.request().annotations()));
    locked.request().buildDate().ifPresent(d -> options.setSourceDateEpoch(d.getEpochSecond()));
    SubmitRequest request = SubmitRequest.newBuilder()
        .addImages(source)
        .addArchs(locked.arch().ociName())
        .setOptions(options)
        .setOutput(Output.newBuilder().setReturnArtefacts(ReturnArtefacts.getDefaultInstance()))
        .setLabel("ApkoImage " + locked.imageName())
        .build();
    BuildServiceGrpc.BuildServiceBlockingStub stub = BuildServiceGrpc.newBlockingStub(channel);
    Job job = stub.withWaitForReady().withDeadlineAfter(5, TimeUnit.MINUTES).submit(request);
    new JobFollower(channel, Duration.ofMinutes(2)).follow(job.getId(), 1, e -> {});
    Job done = stub.getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
    ImageStatus image = done.getImages(0);
    if (image.getState() != ImageState.IMAGE_SUCCEEDED) {
      throw new IOException("farm " + target + " did not build " + locked.loaded().name() + " ("
          + image.getState() + "): " + image.getFailure());
    }
    return image;
  }

  /** The one manifest of a downloaded layout, its config and layers. */
  private static ImageFiles read(Path layout, TemporaryDirectory scratch) throws IOException {
    byte[] indexJson = Files.readAllBytes(layout.resolve("index.json"));
    DirectoryBlobStore blobs = new DirectoryBlobStore(layout.resolve("blobs"));
    JsonNode manifests = JSON.readTree(indexJson).path("manifests");
    if (manifests.size() != 1) {
      throw new IOException("the farm's index lists " + manifests.size() + " manifests; one arch was asked for");
    }
    Descriptor manifest = descriptor(manifests.get(0));
    JsonNode m = JSON.readTree(Files.readAllBytes(blobs.path(manifest.digest())));
    List<Descriptor> layers = new ArrayList<>();
    m.path("layers").forEach(l -> layers.add(descriptor(l)));
    return new ImageFiles(indexJson, manifest, descriptor(m.path("config")), layers, blobs, scratch);
  }

  private static Descriptor descriptor(JsonNode d) {
    return Descriptor.of(d.path("mediaType").asText(), Digest.parse(d.path("digest").asText()),
        d.path("size").asLong());
  }
}
