package dev.apkofarm.testcontainers;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Future;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitAllStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategy;

/**
 * A container of an s6 service bundle (apko's {@code entrypoint: {type: service-bundle, services: ...}}: s6-svscan
 * supervising {@code /sv/<name>}) that counts as started once every named service is up, as {@code s6-svstat} tells
 * from inside the container. The image needs s6's {@code s6-svstat} on its {@code PATH} (the {@code s6} package has
 * it).
 *
 * <pre>{@code
 * @Container
 * static ServiceBundle bundle = new ServiceBundle(new ApkoImage(Path.of("bundle.yaml")), "web", "worker");
 * }</pre>
 *
 * <p>"Up" means s6 started the service's run script; where that is not yet "ready" (a port to listen on, a file to
 * write), add that condition with {@link #alsoWaitingFor}.
 */
public final class ServiceBundle extends GenericContainer<ServiceBundle> {
  private final List<String> services;

  /** A bundle of {@code image} (e.g. an {@link ApkoImage}) that is started once {@code services} are up. */
  public ServiceBundle(Future<String> image, String... services) {
    super(image);
    this.services = names(services);
    waitingFor(servicesUp(services));
  }

  /** A bundle of the image named {@code image}. */
  public ServiceBundle(String image, String... services) {
    super(image);
    this.services = names(services);
    waitingFor(servicesUp(services));
  }

  /**
   * A wait strategy for any container of an s6 service bundle: done once {@code s6-svstat -o up /sv/<name>} prints
   * {@code true} for every named service; fails at once, saying so, if the image has no {@code s6-svstat}.
   */
  public static WaitStrategy servicesUp(String... services) {
    return new ServicesUp(names(services));
  }

  /** Also waits for {@code condition} (a port, a log line) once the services are up. */
  public ServiceBundle alsoWaitingFor(WaitStrategy condition) {
    return waitingFor(new WaitAllStrategy().withStrategy(new ServicesUp(services)).withStrategy(condition));
  }

  /** The services this bundle waits for. */
  public List<String> services() {
    return services;
  }

  /** Whether s6 has {@code service} up right now. */
  public boolean isUp(String service) {
    return ServicesUp.isUp(this, service);
  }

  /**
   * The standard output of {@code command} run in the container ({@code docker exec}); an exit code other than 0 is
   * an {@link IllegalStateException} naming the command, the code and its standard error.
   */
  public String exec(String... command) {
    try {
      Container.ExecResult r = execInContainer(command);
      if (r.getExitCode() != 0) {
        throw new IllegalStateException("\"" + String.join(" ", command) + "\" in " + getDockerImageName()
            + " exited " + r.getExitCode() + ": " + r.getStderr().strip());
      }
      return r.getStdout();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    }
  }

  /**
   * {@code docker stop} with {@code grace} before SIGKILL; returns the exit code the bundle ended with (0 when s6
   * took SIGTERM and brought its services down, 137 when it had to be killed).
   */
  public long stopGracefully(Duration grace) {
    DockerClient docker = getDockerClient();
    String id = getContainerId();
    docker.stopContainerCmd(id).withTimeout((int) Math.min(Integer.MAX_VALUE, grace.toSeconds())).exec();
    var state = docker.inspectContainerCmd(id).exec().getState();
    if (Boolean.TRUE.equals(state.getRunning())) {
      throw new IllegalStateException(getDockerImageName() + " still runs after docker stop");
    }
    return state.getExitCodeLong();
  }

  private static List<String> names(String... services) {
    List<String> list = List.of(services);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("name at least one service to wait for");
    }
    for (String s : list) {
      if (Objects.requireNonNull(s, "service").isEmpty() || s.contains("/") || s.startsWith(".")) {
        throw new IllegalArgumentException("\"" + s + "\" is not a service name (a directory under /sv)");
      }
    }
    return list;
  }

  /** Polls {@code s6-svstat} in the container until every service is up. */
  private static final class ServicesUp extends AbstractWaitStrategy {
    private static final Duration POLL = Duration.ofMillis(100);
    private final List<String> services;

    ServicesUp(List<String> services) {
      this.services = services;
    }

    @Override
    protected void waitUntilReady() {
      long deadline = System.nanoTime() + startupTimeout.toNanos();
      List<String> pending = new java.util.ArrayList<>(services);
      while (true) {
        pending.removeIf(s -> isUp(waitStrategyTarget, s));
        if (pending.isEmpty()) {
          return;
        }
        if (!waitStrategyTarget.isRunning()) {
          throw new ContainerLaunchException("the service bundle exited before " + pending + " came up; its log:\n"
              + waitStrategyTarget.getLogs());
        }
        if (System.nanoTime() > deadline) {
          throw new ContainerLaunchException("services " + pending + " not up within " + startupTimeout
              + " (s6-svstat -o up /sv/<name>)");
        }
        try {
          Thread.sleep(POLL.toMillis()); // a poll interval, as Testcontainers' own wait strategies have
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ContainerLaunchException("interrupted while waiting for " + pending);
        }
      }
    }

    static boolean isUp(org.testcontainers.containers.ContainerState container, String service) {
      Container.ExecResult r;
      try {
        r = container.execInContainer("s6-svstat", "-o", "up", "/sv/" + service);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ContainerLaunchException("interrupted while asking s6 about " + service);
      }
      if (r.getExitCode() == 126 || r.getExitCode() == 127) {
        throw new ContainerLaunchException("cannot run s6-svstat in the container (exit " + r.getExitCode() + ": "
            + (r.getStdout() + r.getStderr()).strip() + "): a service bundle image needs the s6 package");
      }
      return r.getExitCode() == 0 && r.getStdout().strip().equals("true");
    }
  }
}
