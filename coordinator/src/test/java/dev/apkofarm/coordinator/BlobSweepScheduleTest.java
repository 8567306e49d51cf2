package dev.apkofarm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.engine.CoreCoordinatorEngine;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.coordinator.state.InProcessBackend;
import dev.apkofarm.core.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator sweeps its data dir every {@code --blob-sweep}, not only at start: a blob that nothing references,
 * stored after the first sweep and young then, is gone soon after it passes the grace period.
 */
class BlobSweepScheduleTest {
  @TempDir Path tmp;

  @Test
  void anUnreferencedBlobStoredAfterStartIsSweptOnTheSchedule() throws Exception {
    String name = "sweep-" + UUID.randomUUID();
    CoordinatorSettings settings = new CoordinatorSettings("127.0.0.1", -1, Transport.Security.plaintextLoopback(),
        MemberSettings.loopback(name, List.of()), tmp.resolve("coordinator"),
        new SchedulerConfig(Duration.ofSeconds(15), Duration.ofSeconds(1), 3, 1000), "127.0.0.1", -1, -1,
        Optional.empty())
        .withBlobGrace(Duration.ofSeconds(1))
        .withBlobSweep(Duration.ofMillis(200));
    try (Coordinator coordinator = Coordinator.start(settings, new InProcessBackend(name, 1 << 20, 1 << 20), name,
        CoreCoordinatorEngine::new, Optional.empty())) {
      // Stored now, so young for the sweep at start; only a later sweep, past the grace period, may take it.
      Path blob = tmp.resolve("coordinator/blobs/sha256").resolve("ab".repeat(32));
      Files.write(blob, new byte[] {1, 2, 3});
      assertThat(blob).exists();
      // With the default interval (10 min) the next sweep would come long after this deadline.
      Await.until(Duration.ofSeconds(20), "the scheduled sweep to remove " + blob, () -> !Files.exists(blob));
    }
  }
}
