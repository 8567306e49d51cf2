package dev.apkofarm.worker.pipeline;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.core.oci.Descriptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a built arch where the coordinator expects it. Without a push repository: its image blobs (manifest, config,
 * layers) into the coordinator's store, those it lacks only. With one: config, layers and manifest pushed to the
 * registry by digest with the worker's own credentials, and only the manifest and the SBOM uploaded to the
 * coordinator, which pushes the index, the SBOM referrers and the tag once every arch is in.
 */
final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  private final BlobTransfer blobs;
  private final RegistryPush registry;

  Delivery(BlobTransfer blobs, RegistryPush registry) {
    this.blobs = blobs;
    this.registry = registry;
  }

  /** @return {@code built} with the time of its delivery (stage upload, or push) */
  BuiltTask deliver(AssignedTask task, BuiltTask built, ProgressSink progress) throws IOException {
    if (task.pushRepository().isEmpty()) {
      long start = System.nanoTime();
      List<Descriptor> blobs = built.built().imageBlobs();
      progress.progress(BuildStage.UPLOAD, 0, blobs.size(), "");
      upload(built, blobs);
      progress.progress(BuildStage.UPLOAD, blobs.size(), blobs.size(), "");
      return built.plus(BuildStage.UPLOAD, System.nanoTime() - start);
    }
    String repository = task.pushRepository().get();
    long start = System.nanoTime();
    progress.progress(BuildStage.PUSH, 0, 1, repository);
    var stats = registry.push(built, repository);
    long nanos = System.nanoTime() - start;
    progress.progress(BuildStage.PUSH, 1, 1, repository);
    log.info("{} pushed to {}: {} blob(s) uploaded ({} bytes), {} already there, {} mounted", task, repository,
        stats.blobsUploaded(), stats.bytesUploaded(), stats.blobHeadHits(), stats.mounts());
    List<Descriptor> small = new ArrayList<>(List.of(built.manifest()));
    built.built().sbom().ifPresent(small::add);
    upload(built, small);
    return built.plus(BuildStage.PUSH, nanos);
  }

  private void upload(BuiltTask built, List<Descriptor> descriptors) throws IOException {
    List<String> digests = descriptors.stream().map(d -> d.digest().toString()).distinct().toList();
    for (String digest : blobs.missing(digests)) {
      blobs.upload(digest, built.files().get(digest), List.of());
    }
  }
}
