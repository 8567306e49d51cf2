package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job as a user runs it: {@code bin/apko-client submit examples/ --output out/} on the embedded
 * farm (real engine, real Hazelcast member, in one process) writes one OCI layout per image, each listing both
 * platforms, byte-identical to what {@code apko-client build} writes for the same config.
 */
class EmbeddedSubmitIT {
  @TempDir Path tmp;

  private record Run(int exit, String output) {}

  private static Run client(Path workDir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ExampleTree.PROJECT.resolve("bin/apko-client").toString(), "-C",
        workDir.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test
  void submitOfTheExamplesEqualsBuildOfEachConfig() throws Exception {
    Path examples = ExampleTree.copy(tmp);
    List<String> images;
    try (Stream<Path> s = Files.list(examples)) {
      images = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
    }
    assertThat(images).hasSizeGreaterThanOrEqualTo(6);

    Run submit = client(tmp, "submit", "examples/", "--output", "out");

    assertThat(submit.exit()).as(submit.output()).isZero();
    for (String image : images) {
      Path layout = tmp.resolve("out").resolve(image);
      assertThat(submit.output()).containsPattern("(?m)^" + image + " sha256:[0-9a-f]{64}$");
      JsonNode index = new ObjectMapper().readTree(Files.readAllBytes(layout.resolve("index.json")));
      List<String> platforms = new ArrayList<>();
      index.path("manifests").forEach(m -> platforms.add(m.path("platform").path("os").asText() + "/"
          + m.path("platform").path("architecture").asText()));
      assertThat(platforms).as(image).containsExactly("linux/amd64", "linux/arm64");

      Path built = Files.createDirectories(tmp.resolve("build").resolve(image));
      Run build = client(tmp, "build", "examples/" + image + ".yaml", image + ":latest", built.toString(),
          "--sbom-path", tmp.resolve("sboms").resolve(image).toString());
      assertThat(build.exit()).as(build.output()).isZero();
      assertThat(ExampleTree.digests(layout)).as(image).isEqualTo(ExampleTree.digests(built));
    }
    try (Stream<Path> s = Files.list(tmp.resolve("out"))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrderElementsOf(images);
    }
  }
}
