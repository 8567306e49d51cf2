package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.lock.Locker;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.base.LockedBase;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.cache.UserCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.LoadedConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Options of every command that reads repositories (lock, show-packages, build): caching, offline mode, signature
 * checks, extra keys and repositories, archs. A picocli mixin; {@link #locker} wires the apk engine from them.
 */
public final class RepositoryOptions {
  @Option(
      names = {"--arch", "--build-arch"},
      split = ",",
      paramLabel = "ARCH",
      description = "Architectures (amd64, arm64, x86_64, ..., all, or host: this machine's); default: the config's"
          + " archs, else all. --build-arch is apko's name for it.")
  List<String> archs = new ArrayList<>();

  @Option(
      names = {"-k", "--keyring-append"},
      split = ",",
      paramLabel = "KEY",
      description = "Extra keys (paths or URLs) to verify repository indexes with.")
  List<String> extraKeys = new ArrayList<>();

  @Option(
      names = {"-r", "--repository-append"},
      split = ",",
      paramLabel = "REPO",
      description = "Extra repositories to resolve from.")
  List<String> extraRepositories = new ArrayList<>();

  @Option(
      names = {"-b", "--build-repository-append"},
      split = ",",
      paramLabel = "REPO",
      description = "Extra build-only repositories to resolve from.")
  List<String> extraBuildRepositories = new ArrayList<>();

  @Option(names = "--ignore-signatures", description = "Do not verify repository index signatures (unsafe).")
  boolean ignoreSignatures;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description = "Cache for packages and indexes (default: $XDG_CACHE_HOME/apko-farm or ~/.cache/apko-farm).")
  Path cacheDir;

  @Option(names = "--offline", description = "Use only the package cache; never fetch indexes or packages from the network.")
  boolean offline;

  /** The archs to work on: the option, else the config's, else all (sorted, as apko). */
  public List<Arch> archs(LoadedConfig config) throws BadInputException {
    List<String> names = new ArrayList<>();
    for (String a : archs) {
      names.add(a.trim().equalsIgnoreCase("host") ? hostArch().ociName() : a);
    }
    try {
      return config.config().archsToBuild(names.isEmpty() ? List.of() : Arch.parseAll(names));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--arch: " + e.getMessage());
    }
  }

  /** This machine's arch ({@code --arch host}). */
  /** The arch of a command that builds one: the one --arch names, else this machine's. */
  List<Arch> oneArch(LoadedConfig config, String command) throws BadInputException {
    if (archs.isEmpty()) {
      return List.of(hostArch());
    }
    List<Arch> named = archs(config);
    if (named.size() != 1) {
      throw new BadInputException(command + " builds one arch; --arch named " + named);
    }
    return named;
  }

  static Arch hostArch() throws BadInputException {
    return Arch.host().orElseThrow(() -> new BadInputException(
        "cannot tell this machine's arch (" + System.getProperty("os.arch") + "); name it in --arch"));
  }

  /** The cache directory in use. */
  public Path cacheDir(Path workDir) {
    if (cacheDir != null) {
      return workDir.resolve(cacheDir).normalize();
    }
    return UserCache.root();
  }

  /** Fetcher, index loader and package store over the cache. */
  public Repositories repositories(Path workDir) {
    return repositories(workDir, Limits.DEFAULTS);
  }

  /** As {@link #repositories(Path)}, reading indexes within {@code limits}. */
  public Repositories repositories(Path workDir, Limits limits) {
    Fetcher.Options o =
        Fetcher.Options.defaults(workDir, Optional.of(cacheDir(workDir))).withOffline(offline);
    return new Repositories(new Fetcher(o), limits);
  }

  public PackageStore packageStore(Repositories repositories, Path workDir) throws IOException {
    return packageStore(repositories, workDir, Limits.DEFAULTS);
  }

  /** As {@link #packageStore(Repositories, Path)}, opening packages within {@code limits}. */
  public PackageStore packageStore(Repositories repositories, Path workDir, Limits limits) throws IOException {
    return new PackageStore(
        repositories.fetcher(), new DiskBlobCache(cacheDir(workDir).resolve("packages")), List.of(), limits);
  }

  /** The lock engine wired from these options. */
  public Locker locker(Path workDir) throws IOException {
    Repositories repos = repositories(workDir);
    return new Locker(repos, packageStore(repos, workDir), fetchThreads());
  }

  /** How many indexes and packages are fetched at once: fetching waits on the network more than on the CPU. */
  static int fetchThreads() {
    return Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
  }

  /** A lock request for a loaded config with these options, on the config's base image if it has one. */
  public Locker.Request request(LoadedConfig config, Optional<LockedBase> base) throws BadInputException {
    return new Locker.Request(
        config.name(),
        config.checksum(),
        config.config().contents(),
        archs(config),
        extraKeys,
        extraBuildRepositories,
        extraRepositories,
        !ignoreSignatures,
        base.map(LockedBase::index));
  }
}
