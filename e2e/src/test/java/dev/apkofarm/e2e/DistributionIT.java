package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.testing.debian.DebianArchive;
import dev.apkofarm.core.testing.debian.DebianStaging;
import dev.apkofarm.core.testing.debian.TestDistribution;
import dev.apkofarm.e2e.support.DockerArchive;
import dev.apkofarm.e2e.support.Bundles;
import dev.apkofarm.e2e.support.LoadedImages;
import dev.apkofarm.e2e.support.OneShot;
import dev.apkofarm.e2e.support.RequiresDocker;
import dev.apkofarm.e2e.support.StagedRootfs;
import dev.apkofarm.e2e.support.WorkDir;
import dev.apkofarm.testcontainers.ServiceBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The test distribution itself runs, before any of the project's image code touches it: its packages overlaid
 * by test code into a root filesystem run in Docker on amd64 and (qemu) arm64 — the glibc stack loads through
 * Debian's multiarch paths, and an apko-style s6 service bundle supervises two services and stops cleanly.
 */
@RequiresDocker
class DistributionIT {
  private static final String IMAGE = LoadedImages.repository("distribution");
  private static final LoadedImages IMAGES = new LoadedImages();

  @BeforeAll
  static void buildImages() throws IOException {
    DebianArchive.assumeAvailable(Arch.AMD64, Arch.ARM64);
    Path work = WorkDir.fresh("distribution");
    DebianArchive debian = DebianArchive.inUserCache();
    DebianStaging staging = new DebianStaging(debian, work.resolve("staging"));
    String applets = TestDistribution.busyboxApplets(debian, work);
    for (Arch arch : List.of(Arch.AMD64, Arch.ARM64)) {
      Path rootfs = work.resolve("rootfs-" + arch.apkName());
      StagedRootfs.merge(staging.stageAll(TestDistribution.recipes(applets), arch), rootfs);
      // What apko's service-bundle step writes: /sv/<name>/run as an execline script.
      service(rootfs, "one", "/bin/busybox sh -c \"echo one > /tmp/one; echo service-one-up; exec /bin/busybox sleep 3600\"");
      service(rootfs, "two", "/bin/busybox sh -c \"echo two > /tmp/two; echo service-two-up; exec /bin/busybox sleep 3600\"");
      Files.createDirectories(rootfs.resolve("tmp"));
      Files.setPosixFilePermissions(rootfs.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
      Path tarball = work.resolve("distribution-" + arch.apkName() + ".tar");
      DockerArchive.write(tarball, IMAGE + ":" + arch.ociName(), arch, rootfs, List.of("/bin/s6-svscan", "/sv"));
      IMAGES.load(tarball);
    }
  }

  private static void service(Path rootfs, String name, String command) throws IOException {
    Path run = Files.createDirectories(rootfs.resolve("sv").resolve(name)).resolve("run");
    Files.writeString(run, "#!/bin/execlineb\n" + command + "\n");
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterAll
  static void removeImages() {
    IMAGES.close();
  }

  @ParameterizedTest
  @EnumSource(value = Arch.class, names = {"AMD64", "ARM64"})
  void glibcLinkedExeclineRunsThroughTheMultiarchLoader(Arch arch) {
    OneShot.Result r =
        OneShot.of(IMAGE + ":" + arch.ociName())
            .platform("linux/" + arch.ociName())
            .entrypoint("/bin/execlineb", "-c", "/bin/busybox echo execline-ok")
            .run();
    assertThat(r.lines()).containsExactly("execline-ok");
  }

  @ParameterizedTest
  @EnumSource(value = Arch.class, names = {"AMD64", "ARM64"})
  void serviceBundleSupervisesBothServices(Arch arch) {
    try (ServiceBundle c = Bundles.of(IMAGE + ":" + arch.ociName())) {
      c.start();
      assertThat(c.exec("/bin/busybox", "cat", "/tmp/one", "/tmp/two")).isEqualTo("one\ntwo\n");
      assertThat(c.isUp("one")).isTrue();
      assertThat(c.exec("/usr/bin/s6-svstat", "-o", "up", "/sv/two")).isEqualTo("true\n");
    }
  }

  /**
   * Native only: s6-svscan takes SIGTERM through signalfd, which qemu-user does not emulate, so under qemu a
   * {@code docker stop} ends in SIGKILL after the grace period whatever the image.
   */
  @Test
  void serviceBundleStopsCleanlyOnDockerStop() {
    try (ServiceBundle c = Bundles.of(IMAGE + ":" + Arch.AMD64.ociName())) {
      c.start();
      assertThat(c.stopGracefully(Duration.ofSeconds(60))).as("exit code after docker stop (137 = killed)")
          .isEqualTo(0L);
    }
  }
}
