package dev.apkofarm.e2e.support;

import dev.apkofarm.testcontainers.ServiceBundle;
import java.time.Duration;
import java.util.concurrent.Future;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The E2E tests' s6 bundles, on the public {@link ServiceBundle}: services {@code one} and {@code two}, each of which
 * writes {@code /tmp/<name>} and then prints {@code service-<name>-up}. Started once s6 has both up and both have
 * printed their line (so their files are there); never pulled.
 */
public final class Bundles {
  private Bundles() {}

  /** The bundle of {@code image} (loaded, or an {@code ApkoImage}), not yet started. */
  public static ServiceBundle of(Future<String> image) {
    return configure(new ServiceBundle(image, "one", "two"));
  }

  /** The bundle of the loaded image named {@code image}, not yet started. */
  public static ServiceBundle of(String image) {
    return configure(new ServiceBundle(image, "one", "two"));
  }

  private static ServiceBundle configure(ServiceBundle bundle) {
    return bundle
        .alsoWaitingFor(Wait.forLogMessage("(?s).*service-(one|two)-up.*", 2))
        .withImagePullPolicy(NeverPull.INSTANCE)
        .withStartupTimeout(Duration.ofSeconds(120)); // s6 under qemu on a loaded machine
  }
}
