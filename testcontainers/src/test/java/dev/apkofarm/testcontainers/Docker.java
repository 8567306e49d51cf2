package dev.apkofarm.testcontainers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.apkofarm.core.testing.TestEnvironment;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;

/** The daemon the tests load into, and the images they leave there, removed again by {@link #close()}. */
final class Docker implements AutoCloseable {
  private final List<String> images = new ArrayList<>();

  /** Fails (CI, root on Debian) or skips the calling test unless a Docker daemon answers. */
  static DockerClient require() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw TestEnvironment.missing("no Docker daemon answers: these tests load images into one; as root,"
          + " scripts/test installs and starts dockerd");
    }
    return DockerClientFactory.instance().client();
  }

  /** {@code image}, remembered for removal. */
  String track(String image) {
    images.add(image);
    return image;
  }

  static boolean has(String image) {
    try {
      require().inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  static void remove(String image) {
    try {
      require().removeImageCmd(image).withForce(true).exec();
    } catch (NotFoundException e) {
      // gone already
    }
  }

  @Override
  public void close() {
    images.forEach(Docker::remove);
    images.clear();
  }
}
