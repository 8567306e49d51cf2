package dev.apkofarm.testcontainers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.LazyFuture;

/**
 * An image built from an apko config, for Testcontainers: a {@link LazyFuture} of the image name, like
 * Testcontainers' {@code ImageFromDockerfile}, so it goes wherever an image name goes:
 *
 * <pre>{@code
 * new GenericContainer<>(new ApkoImage(Path.of("apko.yaml")).withPackages("curl"))
 * }</pre>
 *
 * <p>Resolving it (when the container starts) loads and locks the config for one arch, the Docker host's unless
 * {@link #withArch} says otherwise, and names the image after core's build key: {@code apko-farm/<config
 * name>:<key prefix>}. Only if the Docker daemon Testcontainers uses has no image of that name is it built, in this
 * process with apko-farm's engine (the {@code apko-client build} pipeline: no daemon, no {@code docker build}) or on a
 * farm ({@link #withCoordinator}), and loaded through Testcontainers' Docker client. So each build key is built and
 * loaded at most once per JVM and per daemon: fifty tests sharing a config build it once, two test classes asking
 * for it at the same time wait for one build, and a second run finds the image still there. Images stay in the
 * daemon ({@code docker rmi} the {@code apko-farm/*} ones to reclaim space).
 *
 * <p>Instances are immutable: each {@code with...} returns a new one. Relative paths (the config, and the
 * repositories, keys and include it names) resolve against the process's working directory, as apko's do, unless
 * {@link #withWorkingDirectory} names another. A mistake in the config or the options fails with an
 * {@link ApkoImageException} whose message is apko-farm's ({@code file:line:col: field: problem}, the package, the
 * repository, the key); where no Docker daemon answers, the error is Testcontainers' usual one.
 */
public final class ApkoImage extends LazyFuture<String> {
  private final ImageRequest request;
  private final LoadedImages images;

  /** The image of the apko config at {@code config} (YAML). */
  public ApkoImage(Path config) {
    this(ImageRequest.of(Objects.requireNonNull(config, "config")), LoadedImages.SHARED);
  }

  ApkoImage(ImageRequest request, LoadedImages images) {
    this.request = request;
    this.images = images;
  }

  /**
   * Builds for {@code arch} ({@code amd64}, {@code arm64}, or the apk spelling {@code x86_64}, {@code aarch64}, ...)
   * instead of the Docker host's arch. Another arch runs where qemu's binfmt handlers are set up.
   */
  public ApkoImage withArch(String arch) {
    Arch a = Arch.parse(Objects.requireNonNull(arch, "arch")).orElseThrow(
        () -> new IllegalArgumentException("unknown arch \"" + arch + "\"; known: " + Arch.known()));
    return new ApkoImage(request.withArch(a), images);
  }

  /** Appends packages (constraints as in a config: {@code name}, {@code name=1.2-r0}, ...) to the config's. */
  public ApkoImage withPackages(String... packages) {
    return new ApkoImage(request.plusPackages(List.of(packages)), images);
  }

  /** Adds a repository (a path, a {@code file://} or {@code http(s)://} URL) to the config's. */
  public ApkoImage withRepository(String repository) {
    return new ApkoImage(request.plusRepositories(List.of(repository)), images);
  }

  /** Adds a key (a path or URL of an RSA public key) that verifies repository indexes. */
  public ApkoImage withKeyring(String key) {
    return new ApkoImage(request.plusKeyring(List.of(key)), images);
  }

  /** Adds annotations (index, manifest, config labels), overriding the config's of the same key. */
  public ApkoImage withAnnotations(Map<String, String> annotations) {
    return new ApkoImage(request.plusAnnotations(annotations), images);
  }

  /**
   * Fixes the image creation time and the date of the files the build writes, as {@code SOURCE_DATE_EPOCH} does for
   * the CLI (whole seconds). Without it the newest package's build date is used, which is reproducible too.
   */
  public ApkoImage withBuildDate(Instant date) {
    return new ApkoImage(request.withBuildDate(Objects.requireNonNull(date, "date")), images);
  }

  /**
   * Builds on the farm whose coordinator is at {@code hostPort} instead of in this process. The config and the local
   * files it names are sent there; the image is downloaded and loaded as a local build's would be (same build key,
   * same name, same bytes). Plaintext is allowed to a loopback coordinator only; a token is taken from
   * {@code $APKO_FARM_TOKEN}. Extra packages, repositories and keys cannot travel to a farm: name them in the config.
   */
  public ApkoImage withCoordinator(String hostPort) {
    return new ApkoImage(request.withCoordinator(Objects.requireNonNull(hostPort, "hostPort")), images);
  }

  /**
   * Resolves the config's path and its relative repository, keyring and include paths against {@code dir}, as the
   * CLI's {@code -C DIR} does.
   */
  public ApkoImage withWorkingDirectory(Path dir) {
    return new ApkoImage(request.withWorkDir(Objects.requireNonNull(dir, "dir")), images);
  }

  /**
   * Builds (if the daemon does not have it yet) and loads the image; Testcontainers calls this when a container
   * of it starts.
   *
   * @return the image name, {@code apko-farm/<config name>:<key prefix>}
   * @throws ApkoImageException when the image cannot be built or loaded
   */
  @Override
  protected String resolve() {
    // First, so that without a daemon the error is Testcontainers' own, before any work.
    DockerClient docker = DockerClientFactory.instance().client();
    Info daemon = DockerClientFactory.instance().getInfo();
    try {
      Arch arch = request.arch().isPresent() ? request.arch().get() : hostArch(daemon);
      LockedConfig locked = LockedConfig.lock(request, arch);
      images.ensure(docker, daemon.getId(), locked.imageName(), () -> request.coordinator().isPresent()
          ? FarmBuild.build(locked, request.coordinator().get())
          : LocalBuild.build(locked));
      return locked.imageName();
    } catch (BadInputException e) {
      throw ApkoImageException.badInput(e);
    } catch (IOException | RuntimeException e) {
      throw ApkoImageException.failure(request.configName() + ": " + e.getMessage(), e);
    }
  }

  private static Arch hostArch(Info daemon) throws BadInputException {
    String name = daemon.getArchitecture();
    return Arch.parse(name == null ? "" : name).orElseThrow(() -> new BadInputException(
        "the Docker host's arch \"" + name + "\" is not one apko-farm builds for: choose one with withArch"));
  }

  @Override
  public String toString() {
    return "ApkoImage[" + request.configName() + (request.arch().map(a -> ", " + a.ociName()).orElse("")) + "]";
  }
}
