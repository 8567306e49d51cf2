package dev.apkofarm.core.registry;

import dev.apkofarm.core.oci.Descriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the blobs (configs, layers) of an {@link ImageSet} are read from. A blob that is absent locally must already
 * be in the registry (e.g. a farm worker pushed the layers and the coordinator pushes only manifests).
 */
public interface LocalBlobs {
  /** The blob {@code descriptor} names, or empty when it is not available locally. */
  Optional<BlobContent> find(Descriptor descriptor);

  /** Blobs of an OCI image layout: {@code <blobsDir>/<algorithm>/<hex>}. */
  static LocalBlobs directory(Path blobsDir) {
    return d -> {
      Path file = blobsDir.resolve(d.digest().algorithm()).resolve(d.digest().hex());
      return Files.isRegularFile(file)
          ? Optional.of(BlobContent.ofFile(file, d.digest(), d.size()))
          : Optional.empty();
    };
  }

  /** No local blobs: every blob must already be in the registry. */
  static LocalBlobs none() {
    return d -> Optional.empty();
  }
}
