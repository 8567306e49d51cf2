package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectImageResponse;
import dev.apkofarm.e2e.support.ApkoCli;
import dev.apkofarm.e2e.support.Docker;
import dev.apkofarm.e2e.support.E2eRepository;
import dev.apkofarm.e2e.support.LoadedImages;
import dev.apkofarm.e2e.support.OneShot;
import dev.apkofarm.e2e.support.RequiresDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code apko-client publish --local}: the image goes into the real daemon through the Engine API (no docker CLI),
 * tagged as apko tags it (apko.local/cache:<manifest hex> and the REF for this machine's arch, REF-arm64 for the
 * other), and runs.
 */
@RequiresDocker
class PublishLocalIT {
  private final LoadedImages images = new LoadedImages();

  @AfterEach
  void removeImages() {
    images.close();
  }

  @Test
  void loadsEveryArchIntoTheLocalDaemonTaggedAsApkoDoes() throws Exception {
    String ref = LoadedImages.repository("publish-local") + ":v1";

    String local = ApkoCli.in(E2eRepository.dir()).client("publish", "--local", "runtime.yaml", ref).ok().stdout()
        .strip();
    images.track(local);
    images.track(ref);
    images.track(ref + "-arm64");

    assertThat(local).matches("apko\\.local/cache:[0-9a-f]{64}");
    InspectImageResponse amd64 = Docker.client().inspectImageCmd(ref).exec();
    assertThat(amd64.getArch()).isEqualTo("amd64");
    assertThat(amd64.getRepoTags()).contains(local, ref);
    assertThat(Docker.client().inspectImageCmd(ref + "-arm64").exec().getArch()).isEqualTo("arm64");
    assertThat(OneShot.of(ref).run().lines()).containsExactly("hello from apko-farm");
  }
}
