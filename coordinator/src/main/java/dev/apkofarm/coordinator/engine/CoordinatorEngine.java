package dev.apkofarm.coordinator.engine;

import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.scheduler.IndexStep;
import dev.apkofarm.coordinator.scheduler.LockStep;
import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.core.registry.RegistryOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The engine steps a coordinator runs (lock; index and publish), made for one coordinator's blob store and cache.
 * The daemon injects {@link CoreCoordinatorEngine}; tests inject stand-ins through the same constructor parameter.
 */
public interface CoordinatorEngine extends LockStep, IndexStep {
  /**
   * Where the engine works.
   *
   * @param store the coordinator's blob store (shipped files and local-repository packages in, indexes out)
   * @param cache the farm's package cache
   * @param localDir where configs submitted without shipped files find their local paths (the embedded farm's
   *     working directory); empty for a daemon, which reads only what clients shipped
   * @param frontDir the registry front's directory ({@link dev.apkofarm.coordinator.front.FrontSettings#workDir}),
   *     where the front's own configs ({@link dev.apkofarm.coordinator.model.ImageSource#frontConfig}) are locked;
   *     empty without a front
   * @param dataDir the coordinator's own files (input trees, the engine's index cache)
   * @param registry how the coordinator reaches registries for {@code --push} (its own credentials and trust)
   */
  record Context(BlobStore store, BlobCache cache, Optional<Path> localDir, Optional<Path> frontDir, Path dataDir,
      RegistryOptions registry) {
    /** Without a registry front. */
    public Context(BlobStore store, BlobCache cache, Optional<Path> localDir, Path dataDir, RegistryOptions registry) {
      this(store, cache, localDir, Optional.empty(), dataDir, registry);
    }
  }

  /** Makes the engine once the coordinator has its store and cache. */
  @FunctionalInterface
  interface Factory {
    CoordinatorEngine create(Context context);
  }
}
