package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.testing.ExternalTools;
import dev.apkofarm.core.testing.Skopeo;
import dev.apkofarm.e2e.support.ApkoCli;
import dev.apkofarm.e2e.support.Daemon;
import dev.apkofarm.e2e.support.Docker;
import dev.apkofarm.e2e.support.ExampleTrees;
import dev.apkofarm.e2e.support.ImageFiles;
import dev.apkofarm.e2e.support.ImageTransfer;
import dev.apkofarm.e2e.support.LoadedImages;
import dev.apkofarm.e2e.support.OneShot;
import dev.apkofarm.e2e.support.RequiresDocker;
import dev.apkofarm.e2e.support.WorkDir;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry front of a farm of processes ({@code bin/apko-coordinator --serve-registry} and two {@code
 * bin/apko-worker}, amd64 and arm64), pulled by Docker and skopeo: every example on both platforms (arm64 under
 * qemu), an ad hoc image, a second pull that builds nothing, a new package version in the repository, and 20
 * concurrent pulls of a new config with one build.
 */
@RequiresDocker
class RegistryPullIT {
  private static final Duration START = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PLATFORMS = List.of("linux/amd64", "linux/arm64");
  /** The examples whose entrypoint is the example repository's real program. */
  private static final List<String> RUNNABLE = List.of("accounts", "environment", "layering", "multi-arch");
  private static final String HELLO = "hello from an apko-farm example image";
  private static final LoadedImages IMAGES = new LoadedImages();

  private static Path work;
  private static Path configs;
  private static List<String> examples;
  private static Daemon coordinator;
  private static Daemon amd64Worker;
  private static Daemon arm64Worker;
  private static String farm;
  private static String host;
  private static int metricsPort;

  @BeforeAll
  static void startFarm() throws Exception {
    work = WorkDir.fresh("registry-pull");
    configs = ExampleTrees.copy(work);
    examples = ExampleTrees.configs(configs);
    Path ready = work.resolve("coordinator.ready");
    coordinator = Daemon.start("coordinator",
        List.of(ApkoCli.launcher("apko-coordinator").toString(), "--port", "0", "--hazelcast-port", "0",
            "--metrics-port", "0", "--ready-file", ready.toString(), "--data-dir", work.resolve("data").toString(),
            "--serve-registry", "127.0.0.1:0", "--configs", "examples", "--allow-anonymous"),
        work, work.resolve("coordinator.log"), l -> l.contains("apko-coordinator ready, ports:"), START);
    JsonNode ports = JSON.readTree(ready.toFile());
    farm = "127.0.0.1:" + ports.path("grpc").asInt();
    host = "127.0.0.1:" + ports.path("registry").asInt();
    metricsPort = ports.path("metrics").asInt();
    amd64Worker = worker("w-amd64", "amd64");
    arm64Worker = worker("w-arm64", "arm64");
  }

  private static Daemon worker(String id, String arch) throws IOException {
    return Daemon.start(id,
        List.of(ApkoCli.launcher("apko-worker").toString(), "--coordinator", farm, "--id", id, "--arch", arch,
            "--slots", "2", "--hazelcast-port", "0", "--work-dir", work.resolve(id).toString()),
        work, work.resolve(id + ".log"), l -> l.contains("worker " + id + " registered"), START);
  }

  @AfterAll
  static void stopFarm() throws Exception {
    IMAGES.close();
    for (AutoCloseable c : new AutoCloseable[] {arm64Worker, amd64Worker, coordinator}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** {@code docker pull HOST/<name>:latest} for {@code platform}; the image is removed after the test class. */
  private static String pull(String name, String platform) {
    String repository = host + "/" + name;
    ImageTransfer.pull(repository, "latest", platform);
    return IMAGES.track(repository + ":latest");
  }

  /** The farm's jobs with this label ({@code apko-client status --all}). */
  private static long jobs(String label) throws Exception {
    String out = ApkoCli.in(work).client("status", "--all", "--coordinator", farm).ok().stdout();
    return out.lines().filter(l -> l.endsWith(label)).count();
  }

  private static double metric(String name) throws Exception {
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
        .sum();
  }

  @Test
  void everyExamplePullsForBothPlatformsAndRunsWhereItHasAProgram() throws Exception {
    assertThat(examples).containsAll(RUNNABLE).contains("paths", "service-bundle");
    for (String name : examples) {
      for (String platform : PLATFORMS) {
        String ref = pull(name, platform);
        String arch = platform.substring("linux/".length());
        assertThat(Docker.client().inspectImageCmd(ref).exec().getArch()).as(ref + " " + platform).isEqualTo(arch);
        if (RUNNABLE.contains(name)) {
          assertThat(OneShot.of(ref).platform(platform).run().lines()).as(ref + " " + platform).containsExactly(HELLO);
        } else if (name.equals("paths")) {
          assertThat(ImageFiles.read(ref, platform, "/etc/web/web.conf")).contains("listen 8080");
          assertThat(ImageFiles.read(ref, platform, "/srv/www")).isEqualTo("/usr/share/web");
        } else {
          assertThat(ImageFiles.read(ref, platform, "/sv/web/run")).contains("/usr/bin/web-serve");
        }
        Docker.removeImage(ref);
      }
    }
  }

  @Test
  void anAdHocPathImageRunsAndContainsTheExtraPackage() throws Exception {
    for (String platform : PLATFORMS) {
      String ref = pull("multi-arch/example-docs", platform);
      assertThat(OneShot.of(ref).platform(platform).run().lines()).containsExactly(HELLO);
      assertThat(ImageFiles.read(ref, platform, "/usr/share/doc/example/README")).isNotBlank();
      assertThat(ImageFiles.read(ref, platform, "/lib/apk/db/installed")).contains("P:example-docs\n");
      Docker.removeImage(ref);
    }
  }

  @Test
  void aSecondPullOfAnUnchangedConfigBuildsNothing() throws Exception {
    Files.writeString(configs.resolve("second.yaml"), Files.readString(configs.resolve("accounts.yaml"))
        .replace("run-as: app", "run-as: \"10000\""));
    String first = pull("second", "linux/amd64");
    String digest = Docker.client().inspectImageCmd(first).exec().getRepoDigests().get(0);
    Docker.removeImage(first);
    assertThat(jobs("registry pull second:latest")).isEqualTo(1);
    double hits = metric("apkofarm_registry_build_key_hits_total");

    String again = pull("second", "linux/amd64");

    assertThat(Docker.client().inspectImageCmd(again).exec().getRepoDigests()).containsExactly(digest);
    assertThat(jobs("registry pull second:latest")).as("the farm's jobs: no new one").isEqualTo(1);
    assertThat(metric("apkofarm_registry_build_key_hits_total") - hits).isGreaterThanOrEqualTo(1);
    assertThat(Files.readString(coordinator.log())).contains("registry pull second:latest: lock sha256:")
        .contains("built before");
    assertThat(OneShot.of(again).run().lines()).containsExactly(HELLO);
  }

  @Test
  void aNewPackageVersionInTheRepositoryGivesANewDigestThatHasIt() throws Exception {
    Path versioned = ExampleTrees.copy(work.resolve("versioned"));
    Files.writeString(configs.resolve("versions.yaml"), """
        contents:
          keyring: [versioned/examples/repository/apko-farm-example.rsa.pub]
          repositories: [versioned/examples/repository]
          packages: [example-hello]
        entrypoint:
          command: /usr/bin/hello
        archs: [amd64, arm64]
        """);
    String ref = pull("versions", "linux/arm64");
    String before = Docker.client().inspectImageCmd(ref).exec().getRepoDigests().get(0);
    assertThat(OneShot.of(ref).platform("linux/arm64").run().lines()).containsExactly(HELLO);
    Docker.removeImage(ref);

    ExampleTrees.release(versioned, "example-hello", "1.4.0-r0", "hello from version 1.4.0");

    ref = pull("versions", "linux/arm64");
    assertThat(Docker.client().inspectImageCmd(ref).exec().getRepoDigests()).doesNotContain(before);
    assertThat(OneShot.of(ref).platform("linux/arm64").run().lines()).containsExactly("hello from version 1.4.0");
    assertThat(ImageFiles.read(ref, "linux/arm64", "/lib/apk/db/installed")).contains("P:example-hello\nV:1.4.0-r0\n");
    Docker.removeImage(ref);
  }

  @Test
  void skopeoInspectsAndCopiesFromTheFront() throws Exception {
    Skopeo skopeo = Skopeo.plain();
    JsonNode index = JSON.readTree(skopeo.inspectRaw(host + "/layering:latest"));
    assertThat(index.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
    assertThat(index.path("manifests")).hasSize(2);
    String inspected = ExternalTools.run(List.of("skopeo", "inspect", "--tls-verify=false",
        "docker://" + host + "/layering:latest")).ok().stdout();
    assertThat(JSON.readTree(inspected).path("RepoTags")).extracting(JsonNode::asText).contains("latest");

    Path copy = work.resolve("skopeo-copy");
    skopeo.copyPlatform(host + "/layering:latest", "arm64", copy).ok();
    JsonNode manifest = JSON.readTree(copy.resolve("manifest.json").toFile());
    assertThat(manifest.path("layers")).hasSize(manifest.path("layers").size()).isNotEmpty();
    for (JsonNode layer : manifest.path("layers")) {
      assertThat(copy.resolve(layer.path("digest").asText().substring("sha256:".length()))).exists();
    }
  }

  @Test
  void twentyConcurrentPullsOfANewConfigGiveOneBuild() throws Exception {
    Files.writeString(configs.resolve("crowd.yaml"), """
        contents:
          keyring: [examples/repository/apko-farm-example.rsa.pub]
          repositories: [examples/repository]
          packages: [example-hello, example-locale]
        entrypoint:
          command: /usr/bin/hello
        archs: [amd64, arm64]
        """);
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> pulls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        pulls.add(pool.submit(() -> {
          go.await();
          return ExternalTools.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false",
              "docker://" + host + "/crowd:latest"), work, Map.of(), Duration.ofMinutes(3)).ok().stdout();
        }));
      }
      go.countDown();
      List<String> indexes = new ArrayList<>();
      for (Future<String> p : pulls) {
        indexes.add(p.get(4, TimeUnit.MINUTES));
      }
      assertThat(indexes).hasSize(20).containsOnly(indexes.get(0));
    } finally {
      pool.shutdownNow();
    }
    assertThat(jobs("registry pull crowd:latest")).as("one build for 20 pulls").isEqualTo(1);
  }
}
