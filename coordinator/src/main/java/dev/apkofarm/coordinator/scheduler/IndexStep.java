package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import java.io.IOException;
import java.util.List;

/** The engine's last step, run on the coordinator: the OCI image index over the per-arch manifests. */
public interface IndexStep {
  /**
   * Writes the image index of {@code perArch} (in apko's arch order) into the coordinator's blob store.
   *
   * @param lockedConfig the locked config of one of the archs (they share everything but the arch's packages)
   * @return the index's descriptor
   */
  BlobRef assemble(String image, List<BuildResult> perArch, byte[] lockedConfig, BuildSettings settings)
      throws IOException;
}
