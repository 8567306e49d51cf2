package dev.apkofarm.coordinator.engine;

import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.scheduler.IndexStep;
import dev.apkofarm.coordinator.scheduler.LockStep;
import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.core.registry.RegistryOptions;
import java.nio.file.Path;

/**
 * The engine steps the coordinator runs (lock, index), made for one coordinator's blob store and cache. The real
 * one wraps core; tests may name another with the system property {@value #PROPERTY}.
 */
public interface CoordinatorEngine {
  String PROPERTY = "apkofarm.coordinator.engine";

  LockStep lockStep();

  IndexStep indexStep();

  /**
   * Where the engine works.
   *
   * @param store the coordinator's blob store (shipped files in, indexes out)
   * @param cache the farm's package cache (the coordinator seeds it with packages of shipped repositories)
   * @param workDir relative repository, keyring and include paths of unshipped configs resolve against it
   * @param dataDir the coordinator's own files (input trees, the engine's index cache)
   * @param registry how the coordinator reaches registries for {@code --push} (its own credentials and trust)
   */
  record Context(BlobStore store, BlobCache cache, Path workDir, Path dataDir, RegistryOptions registry) {}

  /** Makes a {@link CoordinatorEngine}. */
  interface Factory {
    CoordinatorEngine create(Context context);
  }

  /** The factory named by {@value #PROPERTY}, else core's. */
  static Factory factory() {
    String name = System.getProperty(PROPERTY, CoreCoordinatorEngine.class.getName());
    try {
      return (Factory) Class.forName(name).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("cannot load coordinator engine " + name + ": " + e, e);
    }
  }
}
