package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PublishKeyTest {
  @Test
  void sameInputsGiveTheSameKeyAndPartsCannotRunIntoEachOther() {
    assertThat(PublishKey.of("config", "engine 1")).isEqualTo(PublishKey.of("config", "engine 1"));
    assertThat(PublishKey.of("ab", "c")).isNotEqualTo(PublishKey.of("a", "bc"));
    assertThat(PublishKey.of("config", "engine 1")).isNotEqualTo(PublishKey.of("config", "engine 2"));
    assertThat(PublishKey.of("x").toString()).startsWith("sha256:").hasSize(71);
  }
}
