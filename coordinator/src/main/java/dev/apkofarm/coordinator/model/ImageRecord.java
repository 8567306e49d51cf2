package dev.apkofarm.coordinator.model;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One image of a job.
 *
 * @param source the submitted config
 * @param status where it is
 * @param archs the archs it builds (OCI names), known once locked
 * @param packages how many packages the lock holds
 * @param index the assembled OCI image index, once succeeded, or null
 * @param blobs every blob of the image (manifests, configs, layers, extras) once succeeded
 * @param failure why it failed, or null
 * @param publishKey with {@code --push}: the key of the locked inputs, recorded with the pushed index so a later
 *     push of the same inputs is answered "unchanged" (see core's {@code PublishKey}); null otherwise
 */
public record ImageRecord(
    ImageSource source,
    ImageStatus status,
    List<String> archs,
    int packages,
    BlobRef index,
    List<BlobRef> blobs,
    String failure,
    String publishKey)
    implements Serializable {
  public ImageRecord {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(status, "status");
    archs = List.copyOf(archs);
    blobs = List.copyOf(blobs);
  }

  /** A freshly submitted image, waiting for its lock. */
  public static ImageRecord submitted(ImageSource source) {
    return new ImageRecord(source, ImageStatus.LOCKING, List.of(), 0, null, List.of(), null, null);
  }

  public String name() {
    return source.name();
  }

  public Optional<BlobRef> indexRef() {
    return Optional.ofNullable(index);
  }

  public ImageRecord locked(List<String> lockedArchs, int packageCount) {
    return locked(lockedArchs, packageCount, null);
  }

  /** Locked, with the key a push records (null when not pushing). */
  public ImageRecord locked(List<String> lockedArchs, int packageCount, String key) {
    return new ImageRecord(source, ImageStatus.BUILDING, lockedArchs, packageCount, null, List.of(), null, key);
  }

  public ImageRecord withStatus(ImageStatus s) {
    return new ImageRecord(source, s, archs, packages, index, blobs, failure, publishKey);
  }

  public ImageRecord succeeded(BlobRef idx, List<BlobRef> all) {
    return new ImageRecord(source, ImageStatus.SUCCEEDED, archs, packages, idx, all, null, publishKey);
  }

  public ImageRecord failed(ImageStatus s, String why) {
    return new ImageRecord(source, s, archs, packages, null, List.of(), why, publishKey);
  }
}
