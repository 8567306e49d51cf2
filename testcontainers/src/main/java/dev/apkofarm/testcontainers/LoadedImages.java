package dev.apkofarm.testcontainers;

import com.github.dockerjava.api.DockerClient;
import dev.apkofarm.core.BadInputException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and loads each image name at most once per JVM and per Docker daemon. Before any build the daemon is asked
 * whether it has the name already ({@code inspect}): a second test, a second test class, a second run of the suite
 * against the same daemon find it there. Requests for one name in this JVM take turns on one lock, so two test
 * classes running in parallel wait for one build instead of making two; different names build in parallel.
 */
final class LoadedImages {
  /** The JVM's one instance, which {@link ApkoImage} uses. */
  static final LoadedImages SHARED = new LoadedImages(BuildLog.NONE);

  private static final Logger LOG = LoggerFactory.getLogger(ApkoImage.class);

  /** What builds an image when the daemon does not have it. */
  @FunctionalInterface
  interface Builder {
    ImageFiles build() throws BadInputException, IOException;
  }

  private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final BuildLog log;

  LoadedImages(BuildLog log) {
    this.log = log;
  }

  /**
   * Makes sure the daemon {@code daemonId} (reached through {@code docker}) has {@code image}, building it with
   * {@code builder} only if it does not.
   */
  void ensure(DockerClient docker, String daemonId, String image, Builder builder)
      throws BadInputException, IOException {
    ReentrantLock lock = locks.computeIfAbsent(daemonId + " " + image, k -> new ReentrantLock());
    try {
      if (!lock.tryLock()) {
        log.record(new BuildLog.Event(BuildLog.Kind.WAITING, image));
        lock.lockInterruptibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for another build of " + image);
    }
    try {
      if (DockerLoad.present(docker, image)) {
        log.record(new BuildLog.Event(BuildLog.Kind.FOUND, image));
        LOG.debug("{} is in the Docker daemon already", image);
        return;
      }
      log.record(new BuildLog.Event(BuildLog.Kind.BUILDING, image));
      long start = System.nanoTime();
      try (ImageFiles files = builder.build()) {
        DockerLoad.load(docker, image, files);
      }
      log.record(new BuildLog.Event(BuildLog.Kind.LOADED, image));
      LOG.info("built and loaded {} in {} ms", image, Duration.ofNanos(System.nanoTime() - start).toMillis());
    } finally {
      lock.unlock();
    }
  }
}
