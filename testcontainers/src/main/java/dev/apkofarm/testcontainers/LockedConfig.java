package dev.apkofarm.testcontainers;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.lock.Locker;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.build.BuildKey;
import dev.apkofarm.core.build.BuildOptions;
import dev.apkofarm.core.build.ImageLocker;
import dev.apkofarm.core.build.LockedImage;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.cache.UserCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.LoadedConfig;
import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request's config loaded and locked for one arch, as {@code apko-client build} locks it (same loader, same
 * locker, the user's package cache), and the image name that follows from core's {@link BuildKey}:
 * {@code apko-farm/<config name>:<first 16 hex digits of the key>}. Equal names mean equal inputs (config, packages
 * and their checksums, keys, repositories, arch, build date, engine version), so an image of that name in the daemon
 * need not be built again.
 *
 * @param request what was asked for
 * @param loaded the config (with the requested packages appended)
 * @param image the locked image: the packages the build installs
 * @param arch the one arch built
 * @param options how the in-process build runs (the reference is the image's repository; no SBOMs: Docker has no
 *     use for them)
 * @param key the build key
 * @param imageName the image name in the daemon
 * @param store where the build gets its (verified, cached) packages
 */
record LockedConfig(
    ImageRequest request,
    LoadedConfig loaded,
    LockedImage image,
    Arch arch,
    BuildOptions options,
    Digest key,
    String imageName,
    PackageStore store) {
  private static final Logger LOG = LoggerFactory.getLogger(ApkoImage.class);
  static final String REPOSITORY_PREFIX = "apko-farm/";
  private static final int KEY_DIGITS = 16;

  /** Loads and locks {@code request}'s config for {@code arch}. */
  static LockedConfig lock(ImageRequest request, Arch arch) throws BadInputException, IOException {
    LoadedConfig loaded = new ConfigLoader(request.workDir()).load(request.configName());
    loaded.warnings().forEach(w -> LOG.warn("{}", w));
    if (!request.packages().isEmpty()) {
      loaded = loaded.withPackagesAppended(request.packages());
    }
    Path cache = UserCache.root();
    Repositories repositories =
        new Repositories(new Fetcher(Fetcher.Options.defaults(request.workDir(), Optional.of(cache))));
    PackageStore store =
        new PackageStore(repositories.fetcher(), new DiskBlobCache(cache.resolve("packages")), List.of());
    ImageLocker locker = new ImageLocker(new Locker(repositories, store, fetchThreads()), repositories);
    LockedImage image =
        locker.lock(
            loaded,
            new ImageLocker.Request(
                List.of(arch), request.annotations(), request.keyring(), List.of(), request.repositories(), true));
    String repository = REPOSITORY_PREFIX + repositoryName(loaded.path());
    BuildOptions options =
        BuildOptions.defaults(repository).withSourceDateEpoch(request.buildDate()).withSbom(false);
    Digest key = BuildKey.of(image, arch, options);
    return new LockedConfig(
        request, loaded, image, arch, options, key, repository + ":" + key.hex().substring(0, KEY_DIGITS), store);
  }

  /** Threads fetching packages at once, as the CLI: fetching waits on the network more than on the CPU. */
  static int fetchThreads() {
    return Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
  }

  /**
   * The config file's name without {@code .yaml}/{@code .yml}, as a Docker repository path component: lower case,
   * runs of anything but {@code [a-z0-9]} become one {@code -}, no separator at either end.
   */
  static String repositoryName(Path config) {
    String file = config.getFileName().toString();
    String stem = file.replaceFirst("(?i)\\.ya?ml$", "").toLowerCase(Locale.ROOT);
    String name = stem.replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    return name.isEmpty() ? "config" : name;
  }
}
