package dev.apkofarm.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.testing.TestEnvironment;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where no Docker daemon answers, an {@link ApkoImage} fails with Testcontainers' usual error, before it reads the
 * config. The absence is real: a JVM in a mount namespace of its own whose {@code /run} is an empty tmpfs (no
 * {@code docker.sock}), with no {@code DOCKER_HOST} and a home without Testcontainers' remembered settings.
 */
class NoDockerIT {
  @TempDir Path home;

  /** Resolves an image of the config named by the argument and prints what came of it on one line. */
  public static void main(String[] args) {
    try {
      System.out.println("resolved " + new ApkoImage(Path.of(args[0])).get());
    } catch (RuntimeException e) {
      System.out.println("failed " + e.getClass().getName() + ": " + e.getMessage());
    }
  }

  @Test
  void withoutADaemonTheErrorIsTestcontainersOwnAndNothingIsRead() throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/unshare")) || !"root".equals(System.getProperty("user.name"))) {
      throw TestEnvironment.missing("hiding the Docker socket needs root and util-linux's unshare");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(
        "/usr/bin/unshare", "--mount", "--propagation", "private", "--",
        "/bin/sh", "-c", "mount -t tmpfs tmpfs /run && exec \"$@\"", "sh",
        java, "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"), NoDockerIT.class.getName(),
        "no-such-dir/no-such-config.yaml"));
    pb.environment().remove("DOCKER_HOST");
    pb.environment().remove("TESTCONTAINERS_HOST_OVERRIDE");
    pb.redirectError(home.resolve("stderr").toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(out.strip())
        .as("stdout; stderr in %s", home + File.separator + "stderr")
        .isEqualTo("failed java.lang.IllegalStateException: Could not find a valid Docker environment."
            + " Please see logs and check configuration");
  }
}
