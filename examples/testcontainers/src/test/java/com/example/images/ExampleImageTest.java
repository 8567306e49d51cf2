package com.example.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.testcontainers.ApkoImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * An image built from apko-farm's {@code examples/accounts.yaml} (a static {@code hello} program, users and groups,
 * {@code run-as: app}) and run as a test would run any image: no Dockerfile, no registry.
 */
@Testcontainers
class ExampleImageTest {
  /** The examples name their repository {@code examples/repository}, relative to the apko-farm checkout. */
  private static final Path APKO_FARM = Path.of("../..");

  @Container
  private static final GenericContainer<?> HELLO =
      new GenericContainer<>(new ApkoImage(Path.of("examples/accounts.yaml")).withWorkingDirectory(APKO_FARM))
          .withStartupCheckStrategy(new OneShotStartupCheckStrategy()); // hello prints its line and exits

  @Test
  void runsItsEntrypoint() {
    assertThat(HELLO.getLogs()).isEqualTo("hello from an apko-farm example image\n");
    assertThat(HELLO.getCurrentContainerInfo().getState().getExitCodeLong()).isZero();
  }

  @Test
  void runsAsTheConfiguredUser() {
    assertThat(HELLO.getCurrentContainerInfo().getConfig().getUser()).isEqualTo("10000");
    String passwd = HELLO.copyFileFromContainer("/etc/passwd", in -> new String(in.readAllBytes(),
        StandardCharsets.UTF_8));
    assertThat(passwd).contains("app:x:10000:10000:");
  }

  @Test
  void extraPackagesAndAnotherArch() throws Exception {
    ApkoImage withDocs = new ApkoImage(Path.of("examples/accounts.yaml")).withWorkingDirectory(APKO_FARM)
        .withPackages("example-docs")
        .withArch("arm64"); // runs under qemu where its binfmt handlers are set up
    try (GenericContainer<?> c = new GenericContainer<>(withDocs)
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy())) {
      c.start();
      assertThat(c.getLogs()).isEqualTo("hello from an apko-farm example image\n");
      String readme = c.copyFileFromContainer("/usr/share/doc/example/README",
          in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
      assertThat(readme).isNotBlank();
      assertThat(c.getDockerClient().inspectImageCmd(withDocs.get()).exec().getArch()).isEqualTo("arm64");
    }
  }
}
