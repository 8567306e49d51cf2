package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.oci.Digest;
import org.junit.jupiter.api.Test;

class ImageRefTest {
  private static final String HEX = "a".repeat(64);

  @Test
  void parsesRegistryWithPortRepositoryAndTag() {
    ImageRef r = ImageRef.parse("127.0.0.1:5000/team/app:1.2");
    assertThat(r.registry()).isEqualTo("127.0.0.1:5000");
    assertThat(r.repository()).isEqualTo("team/app");
    assertThat(r.tag()).contains("1.2");
    assertThat(r.digest()).isEmpty();
    assertThat(r.toString()).isEqualTo("127.0.0.1:5000/team/app:1.2");
  }

  @Test
  void namesWithoutARegistryComponentAreDockerHubWithLibraryForSingleNames() {
    assertThat(ImageRef.parse("alpine").toString()).isEqualTo("docker.io/library/alpine");
    assertThat(ImageRef.parse("team/app:x").toString()).isEqualTo("docker.io/team/app:x");
    assertThat(ImageRef.parse("alpine").apiHost()).isEqualTo("registry-1.docker.io");
    assertThat(ImageRef.parse("localhost/app").registry()).isEqualTo("localhost");
  }

  @Test
  void parsesDigestsWithAndWithoutTags() {
    ImageRef r = ImageRef.parse("ghcr.io/o/app:1@sha256:" + HEX);
    assertThat(r.tag()).contains("1");
    assertThat(r.digest()).contains(Digest.parse("sha256:" + HEX));
    assertThat(ImageRef.parse("ghcr.io/o/app@sha256:" + HEX).manifestReference()).contains("sha256:" + HEX);
    assertThat(r.withDigest(Digest.parse("sha256:" + HEX)).toString()).isEqualTo("ghcr.io/o/app@sha256:" + HEX);
  }

  @Test
  void refusesUppercaseRepositoriesAndBadTagsNamingTheReference() {
    assertThatThrownBy(() -> ImageRef.parse("example.com/Team/app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"example.com/Team/app\"")
        .hasMessageContaining("invalid repository name");
    assertThatThrownBy(() -> ImageRef.parse("example.com/app:-bad")).hasMessageContaining("invalid tag");
    assertThatThrownBy(() -> ImageRef.parse("example.com/app@sha256:xyz")).hasMessageContaining("sha256");
  }
}
