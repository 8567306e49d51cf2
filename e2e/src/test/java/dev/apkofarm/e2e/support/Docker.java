package dev.apkofarm.e2e.support;

import com.github.dockerjava.api.DockerClient;
import dev.apkofarm.core.testing.TestEnvironment;
import java.util.concurrent.atomic.AtomicBoolean;
import org.testcontainers.DockerClientFactory;

/**
 * The Docker daemon the E2E tests run images on, reached through Testcontainers. Where no daemon answers, a test
 * that needs one fails where scripts/test provides Docker (CI, root on Debian) and skips elsewhere, announcing it once in one line.
 */
public final class Docker {
  private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();
  private static volatile Boolean available;

  private Docker() {}

  /** Skips (or, where strict, fails) the calling test or class unless a Docker daemon answers. */
  public static void require() {
    if (isAvailable()) {
      return;
    }
    String message =
        "no Docker daemon answers (" + dockerHost() + "): E2E tests need one; as root, scripts/test installs and"
            + " starts dockerd";
    if (!TestEnvironment.strict() && ANNOUNCED.compareAndSet(false, true)) {
      System.err.println("E2E tests skipped: " + message);
    }
    throw TestEnvironment.missing(message);
  }

  /** The client Testcontainers made (API version negotiated with the daemon, e.g. Debian's 1.41). */
  public static DockerClient client() {
    require();
    return DockerClientFactory.instance().client();
  }

  /** {@code docker rmi -f REF}; absent is fine. */
  public static void removeImage(String ref) {
    try {
      client().removeImageCmd(ref).withForce(true).exec();
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      // already gone
    }
  }

  private static boolean isAvailable() {
    Boolean a = available;
    if (a == null) {
      synchronized (Docker.class) {
        a = available;
        if (a == null) {
          a = DockerClientFactory.instance().isDockerAvailable();
          available = a;
        }
      }
    }
    return a;
  }

  private static String dockerHost() {
    String host = System.getenv("DOCKER_HOST");
    return host == null ? "unix:///var/run/docker.sock" : host;
  }
}
