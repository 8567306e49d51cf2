package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.testing.LocalRegistry;
import dev.apkofarm.e2e.support.ApkoCli;
import dev.apkofarm.e2e.support.Daemon;
import dev.apkofarm.e2e.support.Docker;
import dev.apkofarm.e2e.support.E2eRepository;
import dev.apkofarm.e2e.support.ImageTransfer;
import dev.apkofarm.e2e.support.LoadedImages;
import dev.apkofarm.e2e.support.OneShot;
import dev.apkofarm.e2e.support.RequiresDocker;
import dev.apkofarm.e2e.support.WorkDir;
import dev.apkofarm.testcontainers.ApkoImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A farm without containers: {@code bin/apko-coordinator} and two {@code bin/apko-worker} processes (amd64, arm64)
 * on loopback. {@code submit --push} of two configs lands both images in the local registry, where Docker pulls
 * and runs each platform; the farm's index is the embedded farm's, digest for digest; and the Testcontainers module's
 * {@code ApkoImage.withCoordinator} builds on this farm the image it would build in-process.
 */
@RequiresDocker
class FarmIT {
  private static final Duration START = Duration.ofSeconds(120);
  private static final LoadedImages IMAGES = new LoadedImages();
  private static Path work;
  private static LocalRegistry registry;
  private static Daemon coordinator;
  private static Daemon amd64Worker;
  private static Daemon arm64Worker;
  private static String target;

  @BeforeAll
  static void startFarm() throws Exception {
    Path dir = E2eRepository.dir();
    work = WorkDir.fresh("farm");
    registry = LocalRegistry.start(work.resolve("registry"));
    // Port 0 everywhere: each daemon binds what the system gives it and says which (no pre-picked port to lose).
    Path ready = work.resolve("coordinator.ready");
    coordinator =
        Daemon.start(
            "coordinator",
            List.of(ApkoCli.launcher("apko-coordinator").toString(), "--port", "0", "--hazelcast-port", "0",
                "--ready-file", ready.toString(), "--data-dir", work.resolve("coordinator-data").toString()),
            dir, work.resolve("coordinator.log"), l -> l.contains("apko-coordinator ready, ports:"), START);
    target = "127.0.0.1:" + new ObjectMapper().readTree(ready.toFile()).path("grpc").asInt();
    amd64Worker = worker("w-amd64", "amd64", dir);
    arm64Worker = worker("w-arm64", "arm64", dir);
  }

  private static Daemon worker(String id, String arch, Path dir) throws IOException {
    return Daemon.start(
        id,
        List.of(ApkoCli.launcher("apko-worker").toString(), "--coordinator", target, "--id", id, "--arch", arch,
            "--slots", "1", "--hazelcast-port", "0", "--work-dir", work.resolve(id).toString()),
        dir, work.resolve(id + ".log"), l -> l.contains("worker " + id + " registered"), START);
  }

  @AfterAll
  static void stopFarm() throws Exception {
    IMAGES.close();
    for (AutoCloseable c : new AutoCloseable[] {arm64Worker, amd64Worker, coordinator, registry}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void submitPushOfTwoConfigsGivesImagesThatPullAndRunOnEachPlatform() throws Exception {
    String prefix = registry.host() + "/farm";
    ApkoCli.in(E2eRepository.dir())
        .client("submit", "runtime.yaml", "service-bundle.yaml", "--coordinator", target, "--push", prefix)
        .ok();
    for (String platform : List.of("linux/amd64", "linux/arm64")) {
      String runtime = prefix + "/runtime";
      ImageTransfer.pull(runtime, "latest", platform);
      IMAGES.track(runtime + ":latest");
      assertThat(OneShot.of(runtime + ":latest").platform(platform).run().lines())
          .containsExactly("hello from apko-farm");
      assertThat(OneShot.of(runtime + ":latest").platform(platform).entrypoint("/bin/busybox", "uname", "-m").run()
              .lines())
          .containsExactly(platform.endsWith("arm64") ? "aarch64" : "x86_64");
      Docker.removeImage(runtime + ":latest");

      String bundle = prefix + "/service-bundle";
      ImageTransfer.pull(bundle, "latest", platform);
      IMAGES.track(bundle + ":latest");
      assertThat(
              OneShot.of(bundle + ":latest").platform(platform)
                  .entrypoint("/bin/busybox", "sh", "-c", "ls /sv; readlink /bin/s6-svscan").run().lines())
          .containsExactly("one", "two", "/usr/bin/s6-svscan");
      Docker.removeImage(bundle + ":latest");
    }
    assertThat(Files.readString(coordinator.log())).contains("worker w-amd64 connected", "worker w-arm64 connected");
  }

  @Test
  void twoWorkerFarmBuildsTheIndexTheEmbeddedFarmBuilds() throws Exception {
    Path embedded = work.resolve("out-embedded");
    Path farm = work.resolve("out-farm");
    ApkoCli.in(E2eRepository.dir()).client("submit", "runtime.yaml", "--output", embedded.toString()).ok();
    ApkoCli.in(E2eRepository.dir())
        .client("submit", "runtime.yaml", "--coordinator", target, "--output", farm.toString())
        .ok();
    assertThat(Files.readString(farm.resolve("runtime/index.json")))
        .isEqualTo(Files.readString(embedded.resolve("runtime/index.json")));
    assertThat(blobs(farm.resolve("runtime"))).isEqualTo(blobs(embedded.resolve("runtime")));
  }

  @Test
  void apkoImageWithCoordinatorBuildsOnTheFarmTheImageALocalBuildMakes() throws Exception {
    Map<String, String> run = Map.of("dev.apkofarm.e2e.run", LoadedImages.repository("farm-apko-image"));
    ApkoImage onFarm = new ApkoImage(Path.of("runtime.yaml")).withWorkingDirectory(E2eRepository.dir())
        .withArch("amd64").withAnnotations(run).withCoordinator(target);

    String name = IMAGES.track(onFarm.get());
    assertThat(farmJobsFor(name)).as("the farm's jobs for it").singleElement().asString().contains("succeeded");
    String farmId = Docker.client().inspectImageCmd(name).exec().getId();
    assertThat(OneShot.of(name).run().lines()).containsExactly("hello from apko-farm");

    Docker.removeImage(name);
    ApkoImage local = new ApkoImage(Path.of("runtime.yaml")).withWorkingDirectory(E2eRepository.dir())
        .withArch("amd64").withAnnotations(run);
    assertThat(local.get()).as("same build key, same name").isEqualTo(name);
    assertThat(Docker.client().inspectImageCmd(name).exec().getId()).as("same bytes").isEqualTo(farmId);
    assertThat(farmJobsFor(name)).as("built here, not on the farm").hasSize(1);
  }

  /** {@code apko-client status --all}: the farm's job lines labelled with {@code image}. */
  private static List<String> farmJobsFor(String image) throws Exception {
    String out = ApkoCli.in(E2eRepository.dir()).client("status", "--all", "--coordinator", target).ok().stdout();
    return out.lines().filter(l -> l.endsWith("ApkoImage " + image)).toList();
  }

  private static List<String> blobs(Path layout) throws IOException {
    try (Stream<Path> s = Files.list(layout.resolve("blobs/sha256"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
