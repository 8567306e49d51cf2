package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import java.io.IOException;
import java.util.List;

/**
 * The engine's last steps, run on the coordinator: the OCI image index over the per-arch manifests, and with
 * {@code --push} its publication.
 */
public interface IndexStep {
  /**
   * Writes the image index of {@code perArch} (in apko's arch order) into the coordinator's blob store.
   *
   * @param lockedArch the locked config of one of the archs (they share everything but the arch's packages)
   * @return the index's descriptor
   */
  BlobRef assemble(String image, List<BuildResult> perArch, byte[] lockedArch, BuildSettings settings)
      throws IOException;

  /**
   * Publishes an assembled image whose config and layer blobs and per-arch manifests the workers pushed: the SBOM
   * referrers, the index, the publish key, and last the tag ({@link BuildSettings#pushReference}), so nothing
   * user-visible changes until everything is in.
   *
   * @throws IOException naming the registry and the step that failed; no tag has moved then
   */
  default Published publish(PublishRequest request) throws IOException {
    throw new IOException("this coordinator's engine cannot push to a registry");
  }

  /**
   * An assembled image to publish.
   *
   * @param image the image name
   * @param index the assembled index (in the coordinator's store)
   * @param perArch the archs' results, in arch order
   * @param lockedArch the locked config of one of the archs, as for {@link #assemble}
   * @param settings the job's settings (push prefix and tag)
   * @param publishKey what the pushed index is recorded with (see {@link LockedImage#publishKey()})
   */
  record PublishRequest(
      String image, BlobRef index, List<BuildResult> perArch, byte[] lockedArch, BuildSettings settings,
      String publishKey) {}

  /**
   * What {@link #publish} did.
   *
   * @param reference {@code registry/repository:tag}
   * @param summary the registry work, for the event (e.g. "6 blobs already there, 1 uploaded")
   */
  record Published(String reference, String summary) {}
}
