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
 * farm (real engine, real scheduler on in-process state, in one process) writes one OCI layout per image, each
 * listing both platforms, byte-identical to what {@code apko-client build} writes for the same config; and the
 * process never loads a Hazelcast class.
 */
class EmbeddedSubmitIT {
  @TempDir Path tmp;

  private record Run(int exit, String output) {}

  private static Run client(Path workDir, String... args) throws Exception {
    return clientWith("", workDir, args);
  }

  /** Runs the client with {@code javaOpts} added to its JVM's options ({@code APKO_FARM_JAVA_OPTS}). */
  private static Run clientWith(String javaOpts, Path workDir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ExampleTree.PROJECT.resolve("bin/apko-client").toString(), "-C",
        workDir.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("APKO_FARM_JAVA_OPTS", javaOpts);
    Process p = pb.start();
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

    Path classes = tmp.resolve("classes.log");
    Run submit = clientWith("-Xlog:class+load=info:file=" + classes, tmp, "submit", "examples/", "--output", "out");

    assertThat(submit.exit()).as(submit.output()).isZero();
    List<String> loaded = Files.readAllLines(classes);
    assertThat(loaded).as("the class-load log").anyMatch(l -> l.contains(" dev.apkofarm.coordinator.Coordinator "));
    assertThat(loaded).as("Hazelcast classes loaded by the embedded farm")
        .noneMatch(l -> l.contains(" com.hazelcast."));
    // Nothing serves /metrics in the embedded farm, so no Prometheus registry is made (the daemons keep theirs).
    assertThat(loaded).as("Prometheus client classes loaded by the embedded farm")
        .noneMatch(l -> l.contains(" io.prometheus."));
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
