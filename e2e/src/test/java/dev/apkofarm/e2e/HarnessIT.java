package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.testing.LocalRegistry;
import dev.apkofarm.core.testing.debian.DebianArchive;
import dev.apkofarm.e2e.support.Docker;
import dev.apkofarm.e2e.support.DockerArchive;
import dev.apkofarm.e2e.support.ImageTransfer;
import dev.apkofarm.e2e.support.LoadedImages;
import dev.apkofarm.e2e.support.NeverPull;
import dev.apkofarm.e2e.support.OneShot;
import dev.apkofarm.e2e.support.RequiresDocker;
import dev.apkofarm.e2e.support.WorkDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

/**
 * Proves the E2E environment with test code only: images made here from Debian's static busybox are loaded into
 * the daemon and run natively (amd64) and under qemu (arm64), and round-trip through the local registry; nothing
 * is ever pulled from elsewhere.
 */
@RequiresDocker
class HarnessIT {
  private static final String IMAGE = LoadedImages.repository("harness-busybox");
  private static final LoadedImages IMAGES = new LoadedImages();
  private static Path work;

  @BeforeAll
  static void loadBusyboxImages() throws IOException {
    DebianArchive.assumeAvailable(Arch.AMD64, Arch.ARM64);
    work = WorkDir.fresh("harness");
    DebianArchive debian = DebianArchive.inUserCache();
    for (Arch arch : List.of(Arch.AMD64, Arch.ARM64)) {
      Path rootfs = work.resolve("rootfs-" + arch.apkName());
      debian.fetch("busybox-static", arch).unpackInto(rootfs);
      TemporaryDirectory.deleteTree(rootfs.resolve("usr"));
      Path tarball = work.resolve("busybox-" + arch.apkName() + ".tar");
      DockerArchive.write(tarball, IMAGE + ":" + arch.ociName(), arch, rootfs, List.of("/bin/busybox"));
      assertThat(IMAGES.load(tarball)).containsExactly(IMAGE + ":" + arch.ociName());
    }
  }

  @AfterAll
  static void removeImages() {
    IMAGES.close();
  }

  @Test
  void amd64ImageRunsNatively() {
    assertThat(OneShot.of(IMAGE + ":amd64").platform("linux/amd64").command("uname", "-m").run().lines())
        .containsExactly("x86_64");
  }

  @Test
  void arm64ImageRunsUnderQemu() {
    OneShot.Result r = OneShot.of(IMAGE + ":arm64").platform("linux/arm64").command("uname", "-m").run();
    assertThat(r.lines()).containsExactly("aarch64");
  }

  @Test
  void loadedImageCarriesTheArchitectureOfItsConfig() {
    assertThat(Docker.client().inspectImageCmd(IMAGE + ":arm64").exec().getArch()).isEqualTo("arm64");
    assertThat(Docker.client().inspectImageCmd(IMAGE + ":amd64").exec().getArch()).isEqualTo("amd64");
  }

  @Test
  void localRegistryRoundTripsEachPlatform() throws Exception {
    try (LocalRegistry registry = LocalRegistry.start(work.resolve("registry"))) {
      String repository = registry.host() + "/harness/busybox";
      for (Arch arch : List.of(Arch.AMD64, Arch.ARM64)) {
        String tag = arch.ociName();
        Docker.client().tagImageCmd(IMAGE + ":" + tag, repository, tag).exec();
        IMAGES.track(repository + ":" + tag);
        ImageTransfer.push(repository, tag);
        Docker.client().removeImageCmd(repository + ":" + tag).exec();
        ImageTransfer.pull(repository, tag, "linux/" + arch.ociName());
        assertThat(OneShot.of(repository + ":" + tag).platform("linux/" + arch.ociName()).command("uname", "-m")
                .run().lines())
            .containsExactly(arch == Arch.AMD64 ? "x86_64" : "aarch64");
      }
    }
  }

  @Test
  void testcontainersRunsLoadedImagesAndNeverPulls() {
    try (GenericContainer<?> c =
        new GenericContainer<>(IMAGE + ":amd64")
            .withImagePullPolicy(NeverPull.INSTANCE)
            .withCommand("sleep", "600")) {
      c.start();
      assertThat(c.isRunning()).isTrue();
    }
    String absent = "apkofarm-e2e/never-loaded:absent";
    assertThatThrownBy(() -> Docker.client().inspectImageCmd(absent).exec()).isInstanceOf(NotFoundException.class);
    try (GenericContainer<?> c = new GenericContainer<>(absent).withImagePullPolicy(NeverPull.INSTANCE)) {
      assertThatThrownBy(c::start).hasStackTraceContaining("No such image");
    }
    assertThatThrownBy(() -> Docker.client().inspectImageCmd(absent).exec()).isInstanceOf(NotFoundException.class);
  }
}
