package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.cluster.cache.FarmBlobCache;
import dev.apkofarm.cluster.cache.PeerReads;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.Coordinator;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.testing.Await;
import dev.apkofarm.worker.Worker;
import dev.apkofarm.worker.pipeline.CoreTaskExecutor;
import dev.apkofarm.worker.testing.FakeEngines;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that starts with large packages on its disk (kept from before a restart) shares them again: the location
 * index lists it, and another member streams such a package from it instead of fetching it from its origin.
 */
class WorkerReannounceTest {
  @TempDir Path tmp;

  private LoopbackFarm farm;
  private PeerReads reads;

  @AfterEach
  void stop() {
    if (farm != null) {
      farm.close();
    }
    if (reads != null) {
      reads.close();
    }
  }

  @Test
  void aRestartedWorkerSharesTheLargePackagesKeptOnItsDisk() throws Exception {
    BlobKey key = new BlobKey("apk:" + "7".repeat(40));
    byte[] pkg = new byte[2 * 1024 * 1024 + 5];
    new Random(7).nextBytes(pkg);
    Path packages = Files.createDirectories(CoreTaskExecutor.packageCache(tmp.resolve("worker")));
    Files.write(packages.resolve(key.value()), pkg); // what the worker fetched before it was restarted

    farm = LoopbackFarm.start(tmp, "reannounce", FakeEngines.Coordinator::new, FakeEngines.Worker::new);

    Await.until(Duration.ofSeconds(60), "the worker to list its package in the location index",
        () -> farm.member().getMultiMap(Members.CACHE_LOCATIONS).containsKey(key.value()));

    reads = new PeerReads(Transport.Security.plaintextLoopback());
    try (FarmBlobCache other = new FarmBlobCache(farm.member(), Optional.empty(), reads);
        InputStream in = other.open(key).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(pkg);
    }
  }
}
