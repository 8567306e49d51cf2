package dev.apkofarm.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.apkofarm.core.config.Arch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A running container of an s6 service-bundle image whose two test services, {@code one} and {@code two}, print
 * {@code service-<name>-up} once started; {@link #start} returns when both have.
 */
public final class ServiceBundleContainer implements AutoCloseable {
  private final GenericContainer<?> container;

  private ServiceBundleContainer(GenericContainer<?> container) {
    this.container = container;
  }

  /** Starts {@code image} (already loaded, never pulled) as {@code arch} and waits for both services. */
  public static ServiceBundleContainer start(String image, Arch arch) {
    GenericContainer<?> c =
        new GenericContainer<>(image)
            .withImagePullPolicy(NeverPull.INSTANCE)
            .withCreateContainerCmdModifier(cmd -> cmd.withPlatform("linux/" + arch.ociName()))
            .waitingFor(Wait.forLogMessage("(?s).*service-(one|two)-up.*", 2))
            .withStartupTimeout(Duration.ofSeconds(120)); // s6 under qemu on a loaded machine
    c.start();
    return new ServiceBundleContainer(c);
  }

  /** The stdout of {@code command} run in the container; it must exit 0 (asserted, with its stderr). */
  public String exec(String... command) {
    try {
      var r = container.execInContainer(command);
      assertThat(r.getExitCode()).as("%s: %s", String.join(" ", command), r.getStderr()).isZero();
      return r.getStdout();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code docker stop} with a 60 s grace period (it returns as soon as the container exits; s6 under qemu on a loaded
   * machine may need more than a few seconds); the exit code it ended with (137 = killed after the grace).
   */
  public long stop() {
    DockerClient docker = Docker.client();
    String id = container.getContainerId();
    docker.stopContainerCmd(id).withTimeout(60).exec();
    var state = docker.inspectContainerCmd(id).exec().getState();
    assertThat(state.getRunning()).as("running after docker stop").isFalse();
    return state.getExitCodeLong();
  }

  @Override
  public void close() {
    container.close();
  }
}
