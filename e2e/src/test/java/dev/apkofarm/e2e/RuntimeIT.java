package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectImageResponse;
import dev.apkofarm.e2e.support.ApkoCli;
import dev.apkofarm.e2e.support.Docker;
import dev.apkofarm.e2e.support.E2eRepository;
import dev.apkofarm.e2e.support.LoadedImages;
import dev.apkofarm.e2e.support.OneShot;
import dev.apkofarm.e2e.support.RequiresDocker;
import dev.apkofarm.e2e.support.WorkDir;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code apko-client build} of {@code configs/runtime.yaml} (amd64 + arm64) into a docker-load tarball: the loaded
 * images do what the config says — Entrypoint, Cmd, Env, WorkingDir, User from accounts/run-as, paths mutations,
 * busybox applet links — natively and, for arm64, under qemu.
 */
@RequiresDocker
class RuntimeIT {
  private static final String TAG = LoadedImages.repository("runtime") + ":latest";
  private static final String ARM64_TAG = TAG + "-arm64";
  private static final LoadedImages IMAGES = new LoadedImages();

  @BeforeAll
  static void buildAndLoad() throws IOException {
    Path dir = E2eRepository.dir();
    Path tarball = WorkDir.fresh("runtime").resolve("runtime.tar");
    ApkoCli.in(dir).client("build", "runtime.yaml", TAG, tarball.toString()).ok();
    assertThat(IMAGES.load(tarball)).containsExactlyInAnyOrder(TAG, ARM64_TAG);
  }

  @AfterAll
  static void removeImages() {
    IMAGES.close();
  }

  private static OneShot.Result sh(String image, String platform, String script) {
    return OneShot.of(image).platform(platform).entrypoint("/bin/busybox", "sh", "-c", script).run();
  }

  @Test
  void runsEntrypointWithCmd() {
    assertThat(OneShot.of(TAG).platform("linux/amd64").run().lines()).containsExactly("hello from apko-farm");
  }

  @Test
  void cmdGivenAtRunTimeReplacesOnlyCmd() {
    assertThat(OneShot.of(TAG).platform("linux/amd64").command("replaced", "cmd").run().lines())
        .containsExactly("replaced cmd");
  }

  @Test
  void imageConfigCarriesTheConfiguredRuntimeSettings() {
    InspectImageResponse image = Docker.client().inspectImageCmd(TAG).exec();
    var config = image.getConfig();
    assertThat(image.getArch()).isEqualTo("amd64");
    assertThat(config.getEntrypoint()).containsExactly("/bin/busybox", "echo");
    assertThat(config.getCmd()).containsExactly("hello", "from", "apko-farm");
    assertThat(config.getWorkingDir()).isEqualTo("/home/app/work");
    assertThat(config.getUser()).isEqualTo("10000");
    assertThat(config.getEnv())
        .contains("GREETING=hello-env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin");
  }

  @Test
  void runsAsTheRunAsUserInItsWorkingDirectoryWithItsEnvironment() {
    assertThat(sh(TAG, "linux/amd64", "id -u; id -g; id -un; pwd; echo $GREETING").lines())
        .containsExactly("10000", "10000", "app", "/home/app/work", "hello-env");
  }

  @Test
  void pathMutationsAreApplied() {
    assertThat(
            sh(TAG, "linux/amd64",
                    "stat -c '%a %u:%g %F' /home/app/work /etc/e2e-marker; readlink /usr/local/bin/e2e-busybox")
                .lines())
        .containsExactly("750 10000:10000 directory", "640 0:0 regular empty file", "/bin/busybox");
  }

  @Test
  void busyboxAppletLinksComeFromItsPathsFile() {
    OneShot.Result r = OneShot.of(TAG).platform("linux/amd64").entrypoint("/bin/echo", "applet-echo").run();
    assertThat(r.lines()).containsExactly("applet-echo");
    assertThat(sh(TAG, "linux/amd64", "readlink /usr/bin/id; grep ^ID= /etc/os-release").lines())
        .containsExactly("/bin/busybox", "ID=apkofarm-test");
  }

  @Test
  void arm64ImageOfTheSameConfigRunsUnderQemu() {
    assertThat(Docker.client().inspectImageCmd(ARM64_TAG).exec().getArch()).isEqualTo("arm64");
    assertThat(OneShot.of(ARM64_TAG).platform("linux/arm64").run().lines()).containsExactly("hello from apko-farm");
    assertThat(sh(ARM64_TAG, "linux/arm64", "uname -m; id -u; pwd").lines())
        .containsExactly("aarch64", "10000", "/home/app/work");
  }
}
