package dev.apkofarm.e2e.support;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One container run to completion ({@code docker run --rm [--platform P] IMAGE [CMD...]}), with its exit code and
 * both output streams. The image must already be in the daemon: nothing is pulled.
 */
public final class OneShot {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  private final String image;
  private Optional<String> platform = Optional.empty();
  private List<String> command = List.of();
  private Optional<List<String>> entrypoint = Optional.empty();
  private Duration timeout = DEFAULT_TIMEOUT;

  private OneShot(String image) {
    this.image = image;
  }

  /** A run of {@code image} with its own entrypoint and cmd. */
  public static OneShot of(String image) {
    return new OneShot(image);
  }

  /** Runs as {@code os/arch[/variant]}, e.g. {@code linux/arm64} (qemu does the rest). */
  public OneShot platform(String p) {
    this.platform = Optional.of(p);
    return this;
  }

  /** Replaces the image's Cmd (its Entrypoint stays). */
  public OneShot command(String... args) {
    this.command = List.of(args);
    return this;
  }

  /** Replaces the image's Entrypoint. */
  public OneShot entrypoint(String... args) {
    this.entrypoint = Optional.of(List.of(args));
    return this;
  }

  public OneShot timeout(Duration t) {
    this.timeout = t;
    return this;
  }

  /** Runs the container to its end and removes it. */
  public Result run() {
    DockerClient docker = Docker.client();
    CreateContainerCmd create = docker.createContainerCmd(image);
    platform.ifPresent(create::withPlatform);
    if (!command.isEmpty()) {
      create.withCmd(command);
    }
    entrypoint.ifPresent(create::withEntrypoint);
    String id = create.exec().getId();
    try {
      docker.startContainerCmd(id).exec();
      Integer exit =
          docker
              .waitContainerCmd(id)
              .exec(new WaitContainerResultCallback())
              .awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
      StringBuilder out = new StringBuilder();
      StringBuilder err = new StringBuilder();
      try (var logs =
          docker
              .logContainerCmd(id)
              .withStdOut(true)
              .withStdErr(true)
              .exec(
                  new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                      String text = new String(frame.getPayload(), StandardCharsets.UTF_8);
                      (frame.getStreamType() == StreamType.STDERR ? err : out).append(text);
                    }
                  })) {
        if (!logs.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("logs of " + image + " did not end within " + timeout);
        }
      }
      return new Result(image, exit, out.toString(), err.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + image, e);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
  }

  /** What a finished container left: exit code and output. */
  public record Result(String image, int exitCode, String stdout, String stderr) {
    /** The stdout of a run that must have succeeded; fails with both streams otherwise. */
    public String successfulStdout() {
      if (exitCode != 0) {
        throw new AssertionError(
            image + " exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
      }
      return stdout;
    }

    /** Lines of stdout of a successful run, trailing whitespace removed. */
    public List<String> lines() {
      return new ArrayList<>(successfulStdout().strip().lines().map(String::stripTrailing).toList());
    }
  }
}
