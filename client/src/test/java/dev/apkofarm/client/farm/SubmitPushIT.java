package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.testing.LocalRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code submit --push}: the farm publishes each image to a real registry (Debian's docker-registry on loopback). */
class SubmitPushIT {
  @TempDir Path tmp;

  @Test
  void submitPushPublishesEveryImageUnderThePrefixWithItsIndexDigest() throws Exception {
    ExampleTree.copy(tmp);
    try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("registry"))) {
      List<String> cmd = new ArrayList<>(List.of(ExampleTree.PROJECT.resolve("bin/apko-client").toString(), "-C",
          tmp.toString(), "submit", "examples/multi-arch.yaml", "examples/accounts.yaml", "--push",
          registry.host() + "/farm"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();

      for (String image : List.of("multi-arch", "accounts")) {
        Matcher m = Pattern.compile("(?m)^" + image + " (sha256:[0-9a-f]{64})$").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + registry.host() + "/v2/farm/" + image + "/manifests/latest"))
            .header("Accept", "application/vnd.oci.image.index.v1+json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(m.group(1));
        assertThat(r.body()).contains("\"architecture\":\"amd64\"", "\"architecture\":\"arm64\"");
      }
    }
  }
}
