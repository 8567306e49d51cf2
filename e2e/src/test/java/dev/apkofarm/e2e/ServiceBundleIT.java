package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.e2e.support.Bundles;
import dev.apkofarm.e2e.support.Docker;
import dev.apkofarm.e2e.support.E2eRepository;
import dev.apkofarm.e2e.support.LoadedImages;
import dev.apkofarm.e2e.support.RequiresDocker;
import dev.apkofarm.testcontainers.ApkoImage;
import dev.apkofarm.testcontainers.ServiceBundle;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An apko service bundle ({@code configs/service-bundle.yaml}) built and loaded by the public Testcontainers module
 * ({@link ApkoImage}, in-process) and run with its {@link ServiceBundle}: s6 from the test repository supervises both
 * services, on amd64 and (qemu) arm64, and {@code docker stop} ends it cleanly.
 */
@RequiresDocker
class ServiceBundleIT {
  private static final LoadedImages IMAGES = new LoadedImages();

  @AfterAll
  static void removeImages() {
    IMAGES.close();
  }

  /** The bundle image for {@code arch}, its build key unique to this run (so it is built here, not found). */
  private static ApkoImage image(Arch arch) throws IOException {
    return new ApkoImage(Path.of("service-bundle.yaml"))
        .withWorkingDirectory(E2eRepository.dir())
        .withArch(arch.ociName())
        .withAnnotations(Map.of("dev.apkofarm.e2e.run", LoadedImages.repository("service-bundle")));
  }

  @ParameterizedTest
  @EnumSource(value = Arch.class, names = {"AMD64", "ARM64"})
  void bothServicesRunUnderS6(Arch arch) throws Exception {
    ApkoImage image = image(arch);
    try (ServiceBundle c = Bundles.of(image)) {
      c.start();
      IMAGES.track(image.get());
      assertThat(c.exec("/bin/busybox", "cat", "/tmp/one", "/tmp/two")).isEqualTo("one\ntwo\n");
      assertThat(c.isUp("one")).isTrue();
      assertThat(c.isUp("two")).isTrue();
      var inspect = Docker.client().inspectImageCmd(image.get()).exec();
      assertThat(inspect.getConfig().getEntrypoint()).containsExactly("/bin/s6-svscan", "/sv");
      assertThat(inspect.getArch()).isEqualTo(arch.ociName());
    }
  }

  /** Native only: under qemu-user, s6-svscan's signalfd never sees SIGTERM (see DistributionIT). */
  @Test
  void dockerStopEndsTheBundleCleanly() throws Exception {
    ApkoImage image = image(Arch.AMD64);
    try (ServiceBundle c = Bundles.of(image)) {
      c.start();
      IMAGES.track(image.get());
      assertThat(c.stopGracefully(Duration.ofSeconds(60))).as("exit code after docker stop (137 = killed)")
          .isEqualTo(0L);
    }
  }
}
