package dev.apkofarm.e2e.support;

import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * The only pull policy of the E2E tests: nothing is ever pulled (no registry is reachable from these machines);
 * an image a test did not {@code docker load} or push itself is a missing image, reported by the daemon.
 */
public final class NeverPull implements ImagePullPolicy {
  public static final NeverPull INSTANCE = new NeverPull();

  private NeverPull() {}

  @Override
  public boolean shouldPull(DockerImageName imageName) {
    return false;
  }
}
