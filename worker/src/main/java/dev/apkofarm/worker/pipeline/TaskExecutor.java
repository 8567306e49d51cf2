package dev.apkofarm.worker.pipeline;

import dev.apkofarm.core.cache.BlobCache;
import java.nio.file.Path;

/**
 * Builds one task with the engine: fetch (cache, then repository) and verify packages, install, finish, write the
 * layer, config and manifest. Cancellation interrupts the calling thread.
 */
public interface TaskExecutor {
  String PROPERTY = "apkofarm.worker.engine";

  BuiltTask execute(AssignedTask task, ProgressSink progress) throws Exception;

  /** Makes a {@link TaskExecutor} for one worker. */
  interface Factory {
    TaskExecutor create(BlobCache cache, Path workDir);
  }

  /** The factory named by {@value #PROPERTY}, else core's. */
  static Factory factory() {
    String name = System.getProperty(PROPERTY, CoreTaskExecutor.class.getName());
    try {
      return (Factory) Class.forName(name).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("cannot load worker engine " + name + ": " + e, e);
    }
  }
}
