package dev.apkofarm.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadedConfigTest {
  @TempDir Path dir;

  @Test
  void appendedPackagesFollowTheConfigsOwnAndLeaveItsIdentityAlone() throws Exception {
    Files.writeString(dir.resolve("base.yaml"), "contents: {packages: [from-include]}\n");
    Files.writeString(dir.resolve("top.yaml"), "include: base.yaml\ncontents: {packages: [own]}\n");
    LoadedConfig loaded = new ConfigLoader(dir).load("top.yaml");

    LoadedConfig appended = loaded.withPackagesAppended(List.of("extra", "more=1.0-r0"));

    assertThat(appended.config().contents().packages()).containsExactly("from-include", "own", "extra", "more=1.0-r0");
    assertThat(appended.config().toBuilder().contents(loaded.config().contents()).build()).isEqualTo(loaded.config());
    assertThat(appended.name()).isEqualTo("top.yaml");
    assertThat(appended.checksum()).isEqualTo(loaded.checksum());
    assertThat(appended.sources()).isEqualTo(loaded.sources());
    assertThat(loaded.config().contents().packages()).containsExactly("from-include", "own");
  }
}
