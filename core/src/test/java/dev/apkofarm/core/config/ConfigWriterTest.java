package dev.apkofarm.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The config written back in apko's field names and order. */
class ConfigWriterTest {
  @Test
  void yamlUsesApkoNamesInSchemaOrderAndOctalPermissions() {
    ImageConfig c =
        ImageConfig.builder()
            .archs(List.of(Arch.ARM64, Arch.AMD64))
            .workDir(Optional.of("/w"))
            .cmd("run")
            .contents(
                new ImageContents(
                    List.of(), List.of(), List.of("https://r"), List.of(), List.of(), List.of("p"), Optional.empty()))
            .paths(
                List.of(
                    new PathMutation(
                        "/d", PathMutation.Type.DIRECTORY, OptionalLong.of(1), OptionalLong.empty(), 0750,
                        Optional.empty(), true)))
            .build();

    assertThat(ConfigWriter.yaml(c))
        .isEqualTo(
            """
            contents:
              repositories:
                - https://r
              packages:
                - p
            cmd: run
            work-dir: /w
            archs:
              - amd64
              - arm64
            paths:
              - path: /d
                type: directory
                uid: 1
                permissions: 0o750
                recursive: true
            """);
  }

  @Test
  void jsonWritesPermissionsAsNumbers() throws Exception {
    ImageConfig c =
        ImageConfig.builder()
            .paths(
                List.of(
                    new PathMutation(
                        "/f", PathMutation.Type.EMPTY_FILE, OptionalLong.empty(), OptionalLong.empty(), 0644,
                        Optional.empty(), false)))
            .environment(Map.of("A", "1"))
            .build();

    JsonNode json = new ObjectMapper().readTree(ConfigWriter.json(c));

    assertThat(json.at("/paths/0/permissions").asInt()).isEqualTo(420);
    assertThat(json.at("/environment/A").asText()).isEqualTo("1");
    assertThat(json.has("contents")).as("empty sections are left out").isFalse();
  }

  @Test
  void redactionHidesOnlyPasswords() {
    assertThat(ConfigWriter.redact("https://user:secret@repo.example/os")).isEqualTo("https://user:xxxxx@repo.example/os");
    assertThat(ConfigWriter.redact("@tag https://user:secret@repo.example/os"))
        .isEqualTo("@tag https://user:xxxxx@repo.example/os");
    assertThat(ConfigWriter.redact("https://token@repo.example/os")).isEqualTo("https://token@repo.example/os");
    assertThat(ConfigWriter.redact("./local/path")).isEqualTo("./local/path");

    ImageConfig c =
        ImageConfig.builder()
            .contents(
                new ImageContents(
                    List.of("https://a:b@x"), List.of("https://c:d@y"), List.of("https://e:f@z"),
                    List.of("https://g:h@k/key.pub"), List.of(), List.of(), Optional.empty()))
            .build();
    assertThat(ConfigWriter.yaml(ConfigWriter.redactPasswords(c))).doesNotContain(":b@", ":d@", ":f@", ":h@");
  }
}
