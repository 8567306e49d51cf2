package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.testing.LocalRegistry;
import dev.apkofarm.e2e.support.ApkoCli;
import dev.apkofarm.e2e.support.Docker;
import dev.apkofarm.e2e.support.E2eRepository;
import dev.apkofarm.e2e.support.ImageTransfer;
import dev.apkofarm.e2e.support.LoadedImages;
import dev.apkofarm.e2e.support.OneShot;
import dev.apkofarm.e2e.support.RequiresDocker;
import dev.apkofarm.e2e.support.WorkDir;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Publish round trip: {@code apko-client publish} pushes the multi-arch image to the local registry; Docker pulls
 * the tag for each platform ({@code --platform linux/arm64} too) and the pulled image runs.
 */
@RequiresDocker
class PublishIT {
  private final LoadedImages images = new LoadedImages();

  @AfterEach
  void removeImages() {
    images.close();
  }

  @Test
  void publishedTagPullsAndRunsOnEachPlatform() throws Exception {
    try (LocalRegistry registry = LocalRegistry.start(WorkDir.fresh("publish").resolve("registry"))) {
      String repository = registry.host() + "/e2e/runtime";
      String out = ApkoCli.in(E2eRepository.dir()).client("publish", "runtime.yaml", repository + ":v1").ok().stdout();
      assertThat(out).contains(repository + "@sha256:");
      for (String platform : List.of("linux/amd64", "linux/arm64")) {
        ImageTransfer.pull(repository, "v1", platform);
        images.track(repository + ":v1");
        assertThat(Docker.client().inspectImageCmd(repository + ":v1").exec().getArch())
            .isEqualTo(platform.substring("linux/".length()));
        assertThat(OneShot.of(repository + ":v1").platform(platform).run().lines())
            .containsExactly("hello from apko-farm");
        assertThat(OneShot.of(repository + ":v1").platform(platform).entrypoint("/bin/busybox", "uname", "-m").run()
                .lines())
            .containsExactly(platform.endsWith("arm64") ? "aarch64" : "x86_64");
        Docker.removeImage(repository + ":v1");
      }
    }
  }
}
