package dev.apkofarm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.core.registry.RegistryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's directories are absolute once its settings exist: the engine compares a shipped config's local
 * package paths with the input tree under the data dir, and a relative {@code --data-dir} (resolved by the process's
 * directory on one side only) made every package that follows its submission fail its lock ("does not exist").
 */
class CoordinatorSettingsTest {
  @Test
  void relativeDirectoriesAreMadeAbsoluteAndNormal() {
    CoordinatorSettings s = new CoordinatorSettings("127.0.0.1", -1, Transport.Security.plaintextLoopback(),
        MemberSettings.loopback("settings-test", List.of()), Path.of("farm/../farm-data"),
        new SchedulerConfig(Duration.ofSeconds(60), Duration.ofSeconds(5), 3, 100), "127.0.0.1", -1, -1,
        Optional.of(Path.of("configs/./here")), RegistryOptions.defaults());

    Path cwd = Path.of("").toAbsolutePath();
    assertThat(s.dataDir()).isEqualTo(cwd.resolve("farm-data"));
    assertThat(s.localDir()).contains(cwd.resolve("configs/here"));
    assertThat(s.withBlobSweep(Duration.ofMinutes(1)).dataDir()).isEqualTo(cwd.resolve("farm-data"));
  }
}
