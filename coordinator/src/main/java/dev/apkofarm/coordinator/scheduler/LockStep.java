package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import java.io.IOException;
import java.util.List;

/** The engine's first step, run on the coordinator: parse a config, then resolve and lock it for all its archs. */
public interface LockStep {
  /**
   * Parses and validates the config quickly, at submission, so a bad config is refused before anything is queued.
   *
   * @throws BadInputException naming file, line and field
   */
  void validate(ImageSource source) throws BadInputException;

  /**
   * Resolves the image for all its archs at once (so every arch gets the same versions) and makes one task per arch:
   * the typed message a worker builds from, and its build key.
   *
   * @param archOverride the job's {@code --arch}, empty for the config's own archs
   */
  ImageLock lock(ImageSource source, List<Arch> archOverride, BuildSettings settings)
      throws BadInputException, IOException;

  /**
   * The blobs of the coordinator's store that a task's locked arch ({@link ImageLock.ArchTask#lockedArch}, as this
   * engine serialised it) names: the packages of local repositories its lock put there. A live job's tasks keep them from
   * the blob collector. An engine that stores none names none.
   */
  default java.util.Set<String> storedBlobs(byte[] lockedArch) {
    return java.util.Set.of();
  }
}
