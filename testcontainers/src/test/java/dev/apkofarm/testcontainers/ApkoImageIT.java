package dev.apkofarm.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.dockerjava.api.command.InspectImageResponse;
import dev.apkofarm.testcontainers.BuildLog.Event;
import dev.apkofarm.testcontainers.BuildLog.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;

/**
 * {@link ApkoImage} against the real Docker daemon, with the project's examples (whose {@code example-hello} is a
 * static program for x86_64 and aarch64): built in-process once per build key, loaded, run by Testcontainers.
 */
class ApkoImageIT {
  private static final String GREETING = "hello from an apko-farm example image";
  /** A run-unique annotation: every image here has a build key no earlier run loaded. */
  private static final Map<String, String> RUN = Map.of("dev.apkofarm.test.run", Examples.RUN);
  private static final Docker DOCKER = new Docker();

  private final List<Event> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void requireDocker() {
    Docker.require();
  }

  @AfterAll
  static void removeImages() {
    DOCKER.close();
  }

  /** An image of {@code config} under the examples, registered with a fresh registry of loaded images. */
  private ApkoImage image(Path config, BuildLog log) throws Exception {
    return new ApkoImage(ImageRequest.of(config), new LoadedImages(log))
        .withWorkingDirectory(Examples.root())
        .withAnnotations(RUN);
  }

  private ApkoImage image(String config) throws Exception {
    return image(Path.of("examples", config), events::add);
  }

  private static String runToEnd(ApkoImage image) {
    try (GenericContainer<?> c =
        new GenericContainer<>(image)
            .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(120)))) {
      c.start();
      return c.getLogs();
    }
  }

  @Test
  void coldBuildIsLoadedAndRunsWhatTheConfigSays() throws Exception {
    ApkoImage image = image("accounts.yaml");

    assertThat(runToEnd(image)).isEqualTo(GREETING + "\n");

    String name = DOCKER.track(image.get());
    assertThat(name).matches("apko-farm/accounts:[0-9a-f]{16}");
    assertThat(events).containsExactly(new Event(Kind.BUILDING, name), new Event(Kind.LOADED, name));
    InspectImageResponse inspect = Docker.require().inspectImageCmd(name).exec();
    assertThat(inspect.getConfig().getUser()).isEqualTo("10000");
    assertThat(inspect.getConfig().getEntrypoint()).containsExactly("/usr/bin/hello");
    assertThat(inspect.getConfig().getLabels()).containsEntry("dev.apkofarm.test.run", Examples.RUN);
  }

  @Test
  void aSecondImageOfTheSameConfigAndPackagesIsNotBuiltAgain() throws Exception {
    String first = DOCKER.track(image("environment.yaml").withPackages("example-docs").get());
    String second = image("environment.yaml").withPackages("example-docs").get();
    String other = DOCKER.track(image("environment.yaml").withPackages("example-locale").get());

    assertThat(second).isEqualTo(first);
    assertThat(other).isNotEqualTo(first).startsWith("apko-farm/environment:");
    assertThat(events).containsExactly(
        new Event(Kind.BUILDING, first), new Event(Kind.LOADED, first),
        new Event(Kind.FOUND, first),
        new Event(Kind.BUILDING, other), new Event(Kind.LOADED, other));
  }

  @Test
  void twoRequestsForOneKeyAtOnceWaitForOneBuild() throws Exception {
    CountDownLatch secondWaits = new CountDownLatch(1);
    BuildLog log = e -> {
      events.add(e);
      if (e.kind() == Kind.WAITING) {
        secondWaits.countDown();
      } else if (e.kind() == Kind.BUILDING) {
        // Hold the build until the other request is queued behind it: the two overlap for certain.
        try {
          assertThat(secondWaits.await(60, TimeUnit.SECONDS)).as("the second request waits").isTrue();
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }
    };
    LoadedImages shared = new LoadedImages(log);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> names = threads.invokeAll(List.of(
          () -> new ApkoImage(ImageRequest.of(Path.of("examples/multi-arch.yaml")), shared)
              .withWorkingDirectory(Examples.root()).withAnnotations(RUN).get(),
          () -> new ApkoImage(ImageRequest.of(Path.of("examples/multi-arch.yaml")), shared)
              .withWorkingDirectory(Examples.root()).withAnnotations(RUN).get()));
      String name = DOCKER.track(names.get(0).get(120, TimeUnit.SECONDS));
      assertThat(names.get(1).get(120, TimeUnit.SECONDS)).isEqualTo(name);
      assertThat(events).containsExactlyInAnyOrder(
          new Event(Kind.WAITING, name), new Event(Kind.BUILDING, name), new Event(Kind.LOADED, name),
          new Event(Kind.FOUND, name));
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void anImageTheDaemonAlreadyHasIsFoundNotBuiltByAnotherJvmsRegistry() throws Exception {
    String name = DOCKER.track(image("paths.yaml").get());
    List<Event> fresh = new CopyOnWriteArrayList<>();

    assertThat(image(Path.of("examples/paths.yaml"), fresh::add).get()).isEqualTo(name);
    assertThat(fresh).containsExactly(new Event(Kind.FOUND, name));
  }

  @Test
  void arm64ImageRunsUnderQemu() throws Exception {
    ApkoImage image = image("layering.yaml").withArch("arm64");

    assertThat(runToEnd(image)).isEqualTo(GREETING + "\n");
    String name = DOCKER.track(image.get());
    assertThat(Docker.require().inspectImageCmd(name).exec().getArch()).isEqualTo("arm64");
    assertThat(image.get()).isNotEqualTo(DOCKER.track(image("layering.yaml").withArch("amd64").get()));
  }

  @Test
  void buildDateAndAnnotationsReachTheImageConfig() throws Exception {
    Instant date = Instant.parse("2024-05-06T07:08:09Z");
    String name = DOCKER.track(image("multi-arch.yaml").withBuildDate(date)
        .withAnnotations(Map.of("org.opencontainers.image.title", "from the test")).get());

    InspectImageResponse inspect = Docker.require().inspectImageCmd(name).exec();
    assertThat(Instant.parse(inspect.getCreated())).isEqualTo(date);
    assertThat(inspect.getConfig().getLabels()).containsEntry("org.opencontainers.image.title", "from the test");
  }

  @Test
  void repositoryKeyringAndPackagesCanAllComeFromTheOptions() throws Exception {
    Path config = Examples.config("bare-" + Examples.RUN + ".yaml", "entrypoint:\n  command: /usr/bin/hi\n");
    try {
      ApkoImage image = image(config, events::add)
          .withRepository("examples/repository")
          .withKeyring("examples/repository/apko-farm-example.rsa.pub")
          .withPackages("example-hello");

      assertThat(runToEnd(image)).isEqualTo(GREETING + "\n");
      DOCKER.track(image.get());
    } finally {
      Examples.deleteQuietly(Examples.root().resolve(config));
    }
  }

  @Test
  void aConfigErrorIsItsFileLineAndColumnAndNothingElse() throws Exception {
    Path config = Examples.config("broken-" + Examples.RUN + ".yaml",
        "contents:\n  packages: [example-hello]\nentrypoint:\n  comand: /usr/bin/hello\n");
    try (GenericContainer<?> c = new GenericContainer<>(image(config, events::add))) {
      Throwable root = rootCause(catchThrowable(c::start));

      assertThat(root).isInstanceOf(ApkoImageException.class);
      assertThat(root.getMessage()).startsWith(config + ":4:3: entrypoint.comand");
      assertThat(((ApkoImageException) root).isBadInput()).isTrue();
      assertThat(root.getCause()).isNull();
      assertThat(root.getStackTrace()).isEmpty();
      assertThat(events).isEmpty();
    } finally {
      Examples.deleteQuietly(Examples.root().resolve(config));
    }
  }

  @Test
  void aPackageNoRepositoryHasIsNamed() throws Exception {
    assertThatThrownBy(() -> image("accounts.yaml").withPackages("no-such-package").get())
        .isInstanceOf(ApkoImageException.class)
        .hasMessageContaining("no-such-package")
        .hasNoCause();
    assertThat(events).isEmpty();
  }

  @Test
  void optionsThatCannotMeanAnythingAreRefusedWhenGiven() throws Exception {
    ApkoImage image = image("accounts.yaml");
    assertThatThrownBy(() -> image.withArch("vax")).hasMessageContaining("unknown arch \"vax\"");
    assertThatThrownBy(() -> image.withPackages("two words")).hasMessageContaining("\"two words\"");
    assertThatThrownBy(() -> image.withPackages("example-docs").withCoordinator("127.0.0.1:1"))
        .hasMessageContaining("withCoordinator cannot be combined with withPackages");
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
