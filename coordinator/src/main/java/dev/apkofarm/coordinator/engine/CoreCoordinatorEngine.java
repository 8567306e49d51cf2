package dev.apkofarm.coordinator.engine;

import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.scheduler.IndexStep;
import dev.apkofarm.coordinator.scheduler.LockStep;
import dev.apkofarm.coordinator.scheduler.LockedImage;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import java.io.IOException;
import java.util.List;

/** The coordinator's steps on core's engine: config parse + multi-arch lock, and OCI index assembly. */
public final class CoreCoordinatorEngine implements CoordinatorEngine.Factory {
  @Override
  public CoordinatorEngine create(CoordinatorEngine.Context context) {
    return new CoordinatorEngine() {
      @Override
      public LockStep lockStep() {
        return new LockStep() {
          @Override
          public void validate(ImageSource source) throws BadInputException {
            throw unavailable();
          }

          @Override
          public LockedImage lock(ImageSource source, List<Arch> archOverride, BuildSettings settings)
              throws BadInputException {
            throw unavailable();
          }
        };
      }

      @Override
      public IndexStep indexStep() {
        return (String image, List<BuildResult> perArch, byte[] lockedConfig, BuildSettings settings) -> {
          throw new IOException("index assembly needs core's image engine, which this version does not have yet");
        };
      }
    };
  }

  private static BadInputException unavailable() {
    return new BadInputException(
        "this version of apko-farm has no build engine yet (core's config/apk/image packages): cannot lock configs");
  }

}
