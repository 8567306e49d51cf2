package dev.apkofarm.coordinator.engine;

import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.build.BuildKey;
import dev.apkofarm.core.build.BuildOptions;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.build.BuiltImage;
import dev.apkofarm.core.build.LockedImage;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.registry.Attachment;
import dev.apkofarm.core.registry.BlobContent;
import dev.apkofarm.core.registry.ImageRef;
import dev.apkofarm.core.registry.ImageSet;
import dev.apkofarm.core.registry.LocalBlobs;
import dev.apkofarm.core.registry.ManifestContent;
import dev.apkofarm.core.registry.PublishKey;
import dev.apkofarm.core.registry.PublishOptions;
import dev.apkofarm.core.registry.PublishResult;
import dev.apkofarm.core.registry.Publisher;
import dev.apkofarm.core.registry.PushStats;
import dev.apkofarm.core.registry.RegistryClient;
import dev.apkofarm.core.registry.RegistryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's share of {@code submit --push}, on core's {@link Publisher} and {@link BuildKey#publishKey} (so
 * a farm and {@code apko-client publish} agree on what "unchanged" means): before building, whether the registry
 * already has under the tag the index these locked inputs build; after the workers pushed every arch's blobs and
 * manifest, the SBOM referrers, the index, the key and last the tag. Registry access is the coordinator's own
 * (its user's docker config, its {@code --ca-cert} and {@code --insecure-registry}); clients never send credentials.
 */
final class RegistryPublishing {
  private final RegistryOptions options;
  private final BlobStore store;

  RegistryPublishing(RegistryOptions options, BlobStore store) {
    this.options = options;
    this.store = store;
  }

  /** The publish key of {@code locked} pushed as {@code reference} ({@code registry/repository:tag}). */
  static PublishKey key(LockedImage locked, ImageRef reference, BuildSettings settings) {
    return BuildKey.publishKey(locked, CoreCoordinatorEngine.options(reference.toString(), settings));
  }

  /**
   * The index {@code reference}'s tag points at when it was pushed with {@code key}; empty when the tag is absent
   * or names something else.
   */
  Optional<BlobRef> findUnchanged(ImageRef reference, PublishKey key) throws IOException {
    try {
      RegistryClient client = client(reference);
      Publisher publisher = new Publisher(client, PublishOptions.defaults());
      Optional<Digest> found = publisher.findUnchanged(reference.repositoryOnly(), reference.tag().orElseThrow(), key);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      ManifestContent index = client.getManifest(reference.repository(), found.get().toString()).orElseThrow(
          () -> new IOException(reference.repositoryOnly() + "@" + found.get() + " vanished while checking it"));
      return Optional.of(BlobRef.of(index.mediaType(), index.digest().toString(), index.size()));
    } catch (IOException e) {
      throw new IOException("checking whether " + reference + " is unchanged: " + e.getMessage(), e);
    }
  }

  /**
   * Publishes {@code built} (assembled from the workers' archs) as {@code reference}: HEAD of every config and
   * layer (the workers pushed them; a missing one fails the push before anything is visible), the manifests, the
   * index, each arch's SBOM and the index SBOM as referrers, the key, and the tag last.
   *
   * @return a summary of the registry work
   */
  String publish(ImageRef reference, BuiltImage built, PublishKey key) throws IOException {
    List<ManifestContent> manifests = new ArrayList<>();
    for (BuiltArch a : built.archs()) {
      manifests.add(ManifestContent.of(a.manifest().mediaType(), read(a.manifest())));
    }
    ImageSet set = ImageSet.of(ManifestContent.of(MediaType.OCI_INDEX, built.indexJson()), manifests,
        this::stored);
    List<Attachment> sboms = new ArrayList<>();
    for (BuiltArch a : built.archs()) {
      if (a.sbom().isPresent()) {
        sboms.add(new Attachment(a.manifest().digest(), MediaType.SPDX_JSON, content(a.sbom().get()),
            a.sbomFileName()));
      }
    }
    if (built.sbom().isPresent()) {
      sboms.add(new Attachment(built.index().digest(), MediaType.SPDX_JSON, content(built.sbom().get()),
          "sbom-index.spdx.json"));
    }
    PublishResult r;
    try {
      r = new Publisher(client(reference), PublishOptions.defaults())
          .publish(set, reference.repositoryOnly(), List.of(reference.tag().orElseThrow()), sboms, Optional.of(key));
    } catch (IOException e) {
      throw new IOException("push to " + reference + ": " + e.getMessage(), e);
    }
    return describe(r.stats());
  }

  private RegistryClient client(ImageRef reference) throws IOException {
    try {
      return RegistryClient.create(reference.registry(), options);
    } catch (BadInputException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** A blob of the coordinator's store (manifests and SBOMs the workers uploaded); configs and layers are not. */
  private Optional<BlobContent> stored(Descriptor d) {
    if (store instanceof DiskBlobStore disk) {
      Path file = disk.path(d.digest().toString());
      return Files.isRegularFile(file) ? Optional.of(BlobContent.ofFile(file, d.digest(), d.size())) : Optional.empty();
    }
    if (!store.has(d.digest().toString()) || d.size() > 4 << 20) {
      return Optional.empty();
    }
    try {
      return Optional.of(BlobContent.ofBytes(read(d)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private BlobContent content(Descriptor d) throws IOException {
    return stored(d).orElseThrow(() -> new IOException(
        d.mediaType() + " " + d.digest() + " is not in the coordinator's store (a worker did not upload it)"));
  }

  private byte[] read(Descriptor d) throws IOException {
    try (InputStream in = store.open(d.digest().toString()).orElseThrow(() -> new IOException(
        d.mediaType() + " " + d.digest() + " is not in the coordinator's store (a worker did not upload it)"))) {
      return in.readAllBytes();
    }
  }

  static String describe(PushStats s) {
    return s.blobHeadHits() + " blobs already there (pushed by workers), " + s.blobsUploaded() + " uploaded ("
        + s.bytesUploaded() + " bytes), " + s.mounts() + " mounted, " + s.manifestsPut() + " manifests put";
  }
}
