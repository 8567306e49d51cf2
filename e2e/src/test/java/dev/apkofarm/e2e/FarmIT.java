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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A farm without containers: {@code bin/apko-coordinator} and two {@code bin/apko-worker} processes (amd64, arm64)
 * on loopback. {@code submit --push} of two configs lands both images in the local registry, where Docker pulls
 * and runs each platform; and the farm's index is the embedded farm's, digest for digest.
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

  private static List<String> blobs(Path layout) throws IOException {
    try (Stream<Path> s = Files.list(layout.resolve("blobs/sha256"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
