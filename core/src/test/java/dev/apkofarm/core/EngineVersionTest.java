package dev.apkofarm.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineVersionTest {
  @Test
  void versionComesFromTheBuild() {
    assertThat(EngineVersion.get()).matches("\\d+\\.\\d+\\.\\d+.*");
  }
}
