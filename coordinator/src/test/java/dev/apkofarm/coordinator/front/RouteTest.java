package dev.apkofarm.coordinator.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.oci.Digest;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Request paths of the distribution API's read side, and everything else refused with a registry error. */
class RouteTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  private static Route get(String path) throws RegistryError {
    int q = path.indexOf('?');
    return Route.parse("GET", q < 0 ? path : path.substring(0, q), q < 0 ? null : path.substring(q + 1), 3);
  }

  private static RegistryError refused(String method, String path) {
    return (RegistryError) org.assertj.core.api.Assertions.catchThrowable(() -> Route.parse(method, path, null, 3));
  }

  @Test
  void parsesTheReadSideOfTheApi() throws Exception {
    assertThat(get("/v2/")).isInstanceOf(Route.Base.class);
    assertThat(get("/v2/_catalog?n=2&last=b")).isEqualTo(new Route.Catalog(new Route.Page(OptionalInt.of(2), "b")));
    assertThat(get("/v2/nginx/tags/list")).isEqualTo(new Route.Tags(new ImageName("nginx", List.of()), Route.Page.ALL));
    assertThat(get("/v2/nginx/manifests/latest"))
        .isEqualTo(new Route.TaggedManifest(new ImageName("nginx", List.of()), "latest"));
    assertThat(get("/v2/nginx/manifests/" + DIGEST))
        .isEqualTo(new Route.ManifestByDigest(new ImageName("nginx", List.of()), Digest.parse(DIGEST)));
    assertThat(get("/v2/base/jq/curl/blobs/" + DIGEST))
        .isEqualTo(new Route.Blob(new ImageName("base", List.of("curl", "jq")), Digest.parse(DIGEST)));
    assertThat(Route.parse("HEAD", "/v2/nginx/manifests/latest", null, 3)).isInstanceOf(Route.TaggedManifest.class);
  }

  @Test
  void anAdHocNameIsItsPackageSetSortedWithoutRepeats() throws Exception {
    Route a = get("/v2/base/jq/curl/jq/manifests/latest");
    Route b = get("/v2/base/curl/jq/manifests/latest");
    assertThat(a).isEqualTo(b);
    assertThat(((Route.TaggedManifest) a).name()).hasToString("base/curl/jq");
  }

  @Test
  void refusesWritesAndUploads() {
    for (String method : List.of("PUT", "POST", "DELETE", "PATCH", "OPTIONS")) {
      assertThat(refused(method, "/v2/nginx/manifests/latest").code()).isEqualTo("UNSUPPORTED");
    }
    assertThat(refused("GET", "/v2/nginx/blobs/uploads/x").code()).isEqualTo("UNSUPPORTED");
  }

  @Test
  void refusesHostileNamesTagsAndDigestsWithTheSpecsCodes() {
    assertThat(refused("GET", "/v2/../etc/passwd/manifests/latest").code()).isEqualTo("NAME_INVALID");
    assertThat(refused("GET", "/v2/%2e%2e/manifests/latest").code()).isEqualTo("NAME_INVALID");
    assertThat(refused("GET", "/v2//nginx/manifests/latest").code()).isEqualTo("NAME_INVALID");
    assertThat(refused("GET", "/v2/Nginx/manifests/latest").code()).isEqualTo("NAME_INVALID");
    assertThat(refused("GET", "/v2/nginx/a/b/c/d/manifests/latest").getMessage()).contains("at most 3 packages");
    assertThat(refused("GET", "/v2/nginx\n/manifests/latest").getMessage()).doesNotContain("\n");
    assertThat(refused("GET", "/v2/" + "a".repeat(2000) + "/manifests/latest").code()).isEqualTo("NAME_INVALID");
    assertThat(refused("GET", "/v2/nginx/manifests/-bad").code()).isEqualTo("TAG_INVALID");
    assertThat(refused("GET", "/v2/nginx/manifests/md5:abc").code()).isEqualTo("DIGEST_INVALID");
    assertThat(refused("GET", "/v2/nginx/blobs/latest").code()).isEqualTo("DIGEST_INVALID");
    assertThat(refused("GET", "/etc/passwd").code()).isEqualTo("NOT_FOUND");
    assertThat(refused("GET", "/v2/nginx").code()).isEqualTo("NOT_FOUND");
    assertThatThrownBy(() -> get("/v2/_catalog?n=x")).isInstanceOf(RegistryError.class)
        .hasMessageContaining("n must be a number");
  }
}
