package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.client.cli.ApkoClientCommand;
import dev.apkofarm.client.cli.CliRun;
import dev.apkofarm.client.embedded.EmbeddedFarm;
import dev.apkofarm.worker.testing.FakeEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm plumbing end to end in one JVM (embedded farm), with stand-in engines. The embedded farm runs on
 * in-process state: no Hazelcast member is started for it (the farm's real engines on real configs are compared with
 * {@code build} and with the daemons' farm by {@code EmbeddedSubmitIT} and {@code FarmRestartIT}).
 */
class EmbeddedFarmTest {
  @TempDir Path tmp;

  private CliRun cli(String... args) {
    return CliRun.of((out, err) -> ApkoClientCommand.newCommandLine(out, err, System.getenv(),
        new EmbeddedFarm.Engines(FakeEngines.Coordinator::new, FakeEngines.Worker::new)), args);
  }

  @Test
  void submitOfADirectoryWritesOneLayoutPerImageWithEveryArch() throws Exception {
    Path configs = Files.createDirectories(tmp.resolve("configs"));
    Files.writeString(configs.resolve("nginx.yaml"), "archs: amd64,arm64\nnginx\n");
    Files.writeString(configs.resolve("base.yml"), "archs: amd64,arm64\nbase\n");
    Files.writeString(configs.resolve("README.md"), "not a config");

    CliRun r = cli("-C", tmp.toString(), "submit", "configs", "--output", "out", "--slots", "2");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("(?m)^nginx sha256:[0-9a-f]{64}$").containsPattern("(?m)^base sha256:[0-9a-f]{64}$");
    for (String image : new String[] {"nginx", "base"}) {
      Path layout = tmp.resolve("out").resolve(image);
      assertThat(layout.resolve("oci-layout")).exists();
      String index = Files.readString(layout.resolve("index.json"));
      assertThat(index).contains("linux/amd64", "linux/arm64");
      try (var blobs = Files.list(layout.resolve("blobs/sha256"))) {
        assertThat(blobs.count()).isEqualTo(6);
      }
    }
    try (var leftovers = Files.list(tmp.resolve("out"))) {
      assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("nginx", "base");
    }
  }

  @Test
  void aBadConfigIsRefusedWithExitTwoNamingTheFile() throws Exception {
    Files.writeString(tmp.resolve("bad.yaml"), "invalid: yes\n");

    CliRun r = cli("-C", tmp.toString(), "submit", "bad.yaml");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("bad.yaml:1:1");
  }

  @Test
  void jsonOutputIsOneObjectPerEvent() throws Exception {
    Files.writeString(tmp.resolve("one.yaml"), "archs: amd64\n");

    CliRun r = cli("-C", tmp.toString(), "submit", "one.yaml", "--json");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines()).allMatch(l -> l.startsWith("{") && l.endsWith("}"));
    assertThat(r.out()).contains("\"imageDone\"").contains("\"jobDone\"");
  }

  @Test
  void theFarmStartsNoHazelcastMemberAndItsWorkerSharesTheCoordinatorsCacheInTheHeap() throws Exception {
    Set<HazelcastInstance> before = Hazelcast.getAllHazelcastInstances();
    AtomicReference<Set<HazelcastInstance>> whileRunning = new AtomicReference<>();
    AtomicReference<String> workerCache = new AtomicReference<>();
    Files.writeString(tmp.resolve("one.yaml"), "archs: amd64,arm64\n");

    // The worker's engine is made when the coordinator is serving and the worker is starting: the farm is up.
    CliRun r = CliRun.of((out, err) -> ApkoClientCommand.newCommandLine(out, err, System.getenv(),
        new EmbeddedFarm.Engines(FakeEngines.Coordinator::new, ctx -> {
          whileRunning.set(Hazelcast.getAllHazelcastInstances());
          workerCache.set(ctx.cache().toString());
          return new FakeEngines.Worker(ctx);
        })), "-C", tmp.toString(), "submit", "one.yaml", "--output", "out");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("(?m)^one sha256:[0-9a-f]{64}$");
    assertThat(whileRunning.get()).isNotNull().isEqualTo(before);
    assertThat(workerCache.get()).startsWith("in-process cache");
  }
}
