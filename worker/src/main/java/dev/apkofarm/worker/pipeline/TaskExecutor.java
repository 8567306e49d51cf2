package dev.apkofarm.worker.pipeline;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.core.cache.SharedCache;
import dev.apkofarm.core.apk.repo.PackageOrigin;
import dev.apkofarm.core.cache.BlobCache;
import java.nio.file.Path;

/**
 * Builds one task with the engine: fetch (caches, then the repository or the coordinator's store) and verify
 * packages, install, finish, write the layers, config and manifest. Cancellation interrupts the calling thread.
 * The worker is given one through its constructor ({@link CoreTaskExecutor} in the daemon, stand-ins in tests).
 */
public interface TaskExecutor {
  BuiltTask execute(AssignedTask task, ProgressSink progress) throws Exception;

  /**
   * Where an executor works.
   *
   * @param cache the farm's shared package cache, and who fetches which package from its origin
   * @param workDir the worker's scratch space and disk cache
   * @param coordinator the coordinator's blob store: where packages of local repositories are, and where built blobs
   *     go
   */
  record Context(SharedCache cache, Path workDir, BlobTransfer coordinator) {}

  /** Makes the executor once the worker has joined the cluster and reached its coordinator. */
  @FunctionalInterface
  interface Factory {
    TaskExecutor create(Context context);
  }
}
