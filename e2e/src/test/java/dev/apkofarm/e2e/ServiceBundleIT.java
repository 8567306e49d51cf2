package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.e2e.support.ApkoCli;
import dev.apkofarm.e2e.support.Docker;
import dev.apkofarm.e2e.support.E2eRepository;
import dev.apkofarm.e2e.support.LoadedImages;
import dev.apkofarm.e2e.support.RequiresDocker;
import dev.apkofarm.e2e.support.ServiceBundleContainer;
import dev.apkofarm.e2e.support.WorkDir;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code apko-client build} of an apko service bundle ({@code configs/service-bundle.yaml}): s6 from the test
 * repository supervises both services, on amd64 and (qemu) arm64, and {@code docker stop} ends it cleanly.
 */
@RequiresDocker
class ServiceBundleIT {
  private static final String TAG = LoadedImages.repository("service-bundle") + ":latest";
  private static final LoadedImages IMAGES = new LoadedImages();

  @BeforeAll
  static void buildAndLoad() throws IOException {
    Path tarball = WorkDir.fresh("service-bundle").resolve("service-bundle.tar");
    ApkoCli.in(E2eRepository.dir()).client("build", "service-bundle.yaml", TAG, tarball.toString()).ok();
    assertThat(IMAGES.load(tarball)).containsExactlyInAnyOrder(TAG, TAG + "-arm64");
  }

  @AfterAll
  static void removeImages() {
    IMAGES.close();
  }

  private static String tag(Arch arch) {
    return arch == Arch.AMD64 ? TAG : TAG + "-arm64";
  }

  @ParameterizedTest
  @EnumSource(value = Arch.class, names = {"AMD64", "ARM64"})
  void bothServicesRunUnderS6(Arch arch) throws Exception {
    try (ServiceBundleContainer c = ServiceBundleContainer.start(tag(arch), arch)) {
      assertThat(c.exec("/bin/busybox", "cat", "/tmp/one", "/tmp/two")).isEqualTo("one\ntwo\n");
      assertThat(c.exec("/usr/bin/s6-svstat", "-o", "up", "/sv/one")).isEqualTo("true\n");
      assertThat(c.exec("/usr/bin/s6-svstat", "-o", "up", "/sv/two")).isEqualTo("true\n");
      assertThat(Docker.client().inspectImageCmd(tag(arch)).exec().getConfig().getEntrypoint())
          .containsExactly("/bin/s6-svscan", "/sv");
    }
  }

  /** Native only: under qemu-user, s6-svscan's signalfd never sees SIGTERM (see DistributionIT). */
  @Test
  void dockerStopEndsTheBundleCleanly() {
    try (ServiceBundleContainer c = ServiceBundleContainer.start(tag(Arch.AMD64), Arch.AMD64)) {
      assertThat(c.stop()).as("exit code after docker stop (137 = killed)").isEqualTo(0L);
    }
  }
}
