package dev.apkofarm.worker.pipeline;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.cache.BlobCache;
import java.nio.file.Path;

/** The per-arch build on core's engine. */
public final class CoreTaskExecutor implements TaskExecutor.Factory {
  @Override
  public TaskExecutor create(BlobCache cache, Path workDir) {
    return (task, progress) -> {
      throw new BadInputException(
          "this version of apko-farm has no build engine yet (core's apk/image packages): cannot build " + task);
    };
  }
}
