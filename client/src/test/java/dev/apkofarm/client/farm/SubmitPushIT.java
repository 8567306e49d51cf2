package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.testing.ExternalTools;
import dev.apkofarm.core.testing.LocalRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit --push} on the embedded farm against a real registry (Debian's docker-registry on loopback): every
 * image lands under the prefix with its index digest and SBOM referrers, and {@code publish} and {@code submit
 * --push} agree on "unchanged" in both directions.
 */
class SubmitPushIT {
  private static final Pattern MANIFEST = Pattern.compile("\"digest\":\"sha256:([0-9a-f]{64})\"");

  @TempDir Path tmp;

  private ExternalTools.Result client(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ExampleTree.PROJECT.resolve("bin/apko-client").toString(), "-C",
        tmp.toString()));
    cmd.addAll(List.of(args));
    return ExternalTools.run(cmd);
  }

  private static HttpResponse<String> get(String url, String accept) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String indexDigest(String out, String image) {
    Matcher m = Pattern.compile("(?m)^" + image + " (sha256:[0-9a-f]{64})$").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  @Test
  void submitPushPublishesEveryImageWithItsSbomsAndARepeatIsUnchanged() throws Exception {
    ExampleTree.copy(tmp);
    try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("registry"))) {
      ExternalTools.Result first = client("submit", "examples/multi-arch.yaml", "examples/accounts.yaml", "--push",
          registry.host() + "/farm").ok();

      for (String image : List.of("multi-arch", "accounts")) {
        String index = indexDigest(first.stdout(), image);
        HttpResponse<String> r = get("http://" + registry.host() + "/v2/farm/" + image + "/manifests/latest",
            "application/vnd.oci.image.index.v1+json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(index);
        assertThat(r.body()).contains("\"architecture\":\"amd64\"", "\"architecture\":\"arm64\"");
        // SBOMs as referrers of each arch's manifest and of the index (the fallback tag scheme on this registry).
        String tags = get("http://" + registry.host() + "/v2/farm/" + image + "/tags/list", "*/*").body();
        Matcher m = MANIFEST.matcher(r.body());
        int manifests = 0;
        while (m.find()) {
          assertThat(tags).contains("sha256-" + m.group(1));
          manifests++;
        }
        assertThat(manifests).isEqualTo(2);
        assertThat(tags).contains("sha256-" + index.substring(7));
      }

      ExternalTools.Result again = client("submit", "examples/multi-arch.yaml", "examples/accounts.yaml", "--push",
          registry.host() + "/farm").ok();
      assertThat(again.stdout())
          .contains("multi-arch: unchanged: " + registry.host() + "/farm/multi-arch:latest is already "
              + indexDigest(first.stdout(), "multi-arch"))
          .doesNotContain("building on");
      assertThat(indexDigest(again.stdout(), "accounts")).isEqualTo(indexDigest(first.stdout(), "accounts"));
    }
  }

  @Test
  void publishAndSubmitPushAgreeOnWhatIsUnchanged() throws Exception {
    ExampleTree.copy(tmp);
    try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("registry"))) {
      String pushed = client("publish", "examples/accounts.yaml", registry.host() + "/cli/accounts:v1").ok().stdout();

      ExternalTools.Result farm = client("submit", "examples/accounts.yaml", "--push", registry.host() + "/cli",
          "--tag", "v1").ok();

      String index = indexDigest(farm.stdout(), "accounts");
      assertThat(pushed.trim()).isEqualTo(registry.host() + "/cli/accounts@" + index);
      assertThat(farm.stdout()).contains("accounts: unchanged: " + registry.host() + "/cli/accounts:v1")
          .doesNotContain("building on");

      client("submit", "examples/multi-arch.yaml", "--push", registry.host() + "/farm").ok();
      ExternalTools.Result cli = client("publish", "examples/multi-arch.yaml", registry.host() + "/farm/multi-arch")
          .ok();
      assertThat(cli.stderr()).contains("unchanged: " + registry.host() + "/farm/multi-arch@");
    }
  }

  @Test
  void submitRefusesOptionsThatCannotWork() throws Exception {
    assertThat(client("submit", "x.yaml", "--push", "127.0.0.1:5000/p", "--output", "out").exitCode()).isEqualTo(2);
    ExternalTools.Result tagOnly = client("submit", "x.yaml", "--tag", "v1");
    assertThat(tagOnly.exitCode()).isEqualTo(2);
    assertThat(tagOnly.stderr()).contains("--tag v1 needs --push");
    ExternalTools.Result remoteCa = client("submit", "x.yaml", "--coordinator", "127.0.0.1:1", "--push",
        "127.0.0.1:5000/p", "--insecure-registry", "reg.example:5000");
    assertThat(remoteCa.exitCode()).isEqualTo(2);
    assertThat(remoteCa.stderr()).contains("give them to apko-coordinator and apko-worker");
  }
}
