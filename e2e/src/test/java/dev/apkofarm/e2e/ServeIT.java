package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.apkofarm.core.testing.ExternalTools;
import dev.apkofarm.core.testing.Skopeo;
import dev.apkofarm.core.testing.TestCertificates;
import dev.apkofarm.e2e.support.ApkoCli;
import dev.apkofarm.e2e.support.Daemon;
import dev.apkofarm.e2e.support.Docker;
import dev.apkofarm.e2e.support.ExampleTrees;
import dev.apkofarm.e2e.support.LoadedImages;
import dev.apkofarm.e2e.support.OneShot;
import dev.apkofarm.e2e.support.RequiresDocker;
import dev.apkofarm.e2e.support.WorkDir;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code apko-client serve} on one machine, with the farm's trust: HTTPS with a certificate of the operator's and a
 * token. skopeo needs the CA and the token (as a basic password) to inspect and copy; Docker pulls with the token and
 * runs the arm64 image under qemu.
 */
@RequiresDocker
class ServeIT {
  private static final String TOKEN = "serve-e2e-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LoadedImages IMAGES = new LoadedImages();

  private static Path work;
  private static Daemon serve;
  private static String host;
  private static TestCertificates certs;

  @BeforeAll
  static void start() throws Exception {
    work = WorkDir.fresh("serve");
    ExampleTrees.copy(work);
    certs = TestCertificates.generate(Files.createDirectories(work.resolve("certs")));
    Files.writeString(work.resolve("token"), TOKEN + "\n");
    serve = Daemon.start("serve",
        List.of(ApkoCli.launcher("apko-client").toString(), "serve", "--configs", "examples", "--listen",
            "127.0.0.1:0", "--tls-cert", certs.serverCertificate().toString(), "--tls-key",
            certs.serverKey().toString(), "--token-file", "token"),
        work, work.resolve("serve.log"), l -> l.startsWith("serving "), Duration.ofSeconds(120));
    Matcher m = Pattern.compile("https://(127\\.0\\.0\\.1:\\d+)/v2/").matcher(Files.readString(serve.log()));
    assertThat(m.find()).as("the address in " + serve.log()).isTrue();
    host = m.group(1);
  }

  @AfterAll
  static void stop() throws Exception {
    IMAGES.close();
    if (serve != null) {
      assertThat(serve.stop()).as("exit on SIGTERM").isZero();
    }
  }

  @Test
  void skopeoNeedsTheCaAndTheTokenToInspectAndCopy() throws Exception {
    Path auth = work.resolve("auth.json");
    Files.writeString(auth, "{\"auths\":{\"" + host + "\":{\"auth\":\""
        + Base64.getEncoder().encodeToString(("skopeo:" + TOKEN).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
    Skopeo skopeo = Skopeo.tls(certs.caCertificate(), auth, work);

    JsonNode index = JSON.readTree(skopeo.inspectRaw(host + "/multi-arch:latest"));
    assertThat(index.path("manifests")).extracting(n -> n.path("platform").path("architecture").asText())
        .containsExactly("amd64", "arm64");
    skopeo.copyPlatform(host + "/multi-arch:latest", "arm64", work.resolve("copy")).ok();
    assertThat(work.resolve("copy/manifest.json")).exists();

    ExternalTools.Result anonymous = ExternalTools.run(List.of("skopeo", "inspect", "--raw", "--cert-dir",
        work.resolve("skopeo-certs").toString(), "docker://" + host + "/multi-arch:latest"));
    assertThat(anonymous.exitCode()).isNotZero();
    assertThat(anonymous.stderr()).containsIgnoringCase("unauthorized");
  }

  @Test
  void dockerPullsWithTheTokenAndRunsTheArm64Image() throws Exception {
    String ref = host + "/accounts";
    PullErrors errors = new PullErrors();
    Docker.client().pullImageCmd(ref).withTag("latest").withPlatform("linux/arm64")
        .withAuthConfig(new AuthConfig().withUsername("docker").withPassword(TOKEN).withRegistryAddress(host))
        .exec(errors);
    assertThat(errors.awaitCompletion(3, TimeUnit.MINUTES)).isTrue();
    assertThat(errors.error).isNull();
    IMAGES.track(ref + ":latest");
    assertThat(OneShot.of(ref + ":latest").platform("linux/arm64").run().lines())
        .containsExactly("hello from an apko-farm example image");
  }

  /** Keeps the first error the daemon reports while pulling. */
  private static final class PullErrors extends ResultCallback.Adapter<PullResponseItem> {
    volatile String error;

    @Override
    public void onNext(PullResponseItem item) {
      if (item.isErrorIndicated() && error == null) {
        error = item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError();
      }
    }
  }
}
