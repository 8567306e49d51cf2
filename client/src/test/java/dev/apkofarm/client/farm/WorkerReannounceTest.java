package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.cluster.cache.FarmBlobCache;
import dev.apkofarm.cluster.cache.PeerReads;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.Coordinator;
import dev.apkofarm.coordinator.CoordinatorSettings;
import dev.apkofarm.coordinator.hazelcast.HazelcastBackend;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.testing.Await;
import dev.apkofarm.worker.Worker;
import dev.apkofarm.worker.WorkerSettings;
import dev.apkofarm.worker.pipeline.CoreTaskExecutor;
import dev.apkofarm.worker.testing.FakeEngines;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that starts with large packages on its disk (kept from before a restart) shares them again: the location
 * index lists it, and another member streams such a package from it instead of fetching it from its origin.
 */
class WorkerReannounceTest {
  @TempDir Path tmp;

  private HazelcastInstance member;
  private Coordinator coordinator;
  private Worker worker;
  private PeerReads reads;

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
    if (coordinator != null) {
      coordinator.close();
    }
    if (reads != null) {
      reads.close();
    }
    if (member != null) {
      member.shutdown();
    }
  }

  @Test
  void aRestartedWorkerSharesTheLargePackagesKeptOnItsDisk() throws Exception {
    BlobKey key = new BlobKey("apk:" + "7".repeat(40));
    byte[] pkg = new byte[2 * 1024 * 1024 + 5];
    new Random(7).nextBytes(pkg);
    Path packages = Files.createDirectories(CoreTaskExecutor.packageCache(tmp.resolve("worker")));
    Files.write(packages.resolve(key.value()), pkg); // what the worker fetched before it was restarted

    String cluster = "reannounce-" + UUID.randomUUID();
    member = Members.start(MemberSettings.loopback(cluster, List.of()));
    coordinator = Coordinator.start(new CoordinatorSettings("127.0.0.1", 0, Transport.Security.plaintextLoopback(),
        MemberSettings.loopback(cluster, List.of()), tmp.resolve("coordinator"),
        new SchedulerConfig(Duration.ofSeconds(15), Duration.ofSeconds(1), 3, 1000), "127.0.0.1", -1, -1,
        Optional.empty()),
        HazelcastBackend.on(member, cluster, Transport.Security.plaintextLoopback()), null,
        FakeEngines.Coordinator::new);
    worker = Worker.start(new WorkerSettings("127.0.0.1:" + coordinator.port(), Transport.Security.plaintextLoopback(),
        "w1", Arch.AMD64, 1, MemberSettings.loopback(cluster, List.of(Members.address(member))),
        tmp.resolve("worker"), Duration.ZERO, -1, -1), FakeEngines.Worker::new);

    Await.until(Duration.ofSeconds(60), "the worker to list its package in the location index",
        () -> member.getMultiMap(Members.CACHE_LOCATIONS).containsKey(key.value()));

    reads = new PeerReads(Transport.Security.plaintextLoopback());
    try (FarmBlobCache other = new FarmBlobCache(member, Optional.empty(), reads);
        InputStream in = other.open(key).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(pkg);
    }
  }
}
