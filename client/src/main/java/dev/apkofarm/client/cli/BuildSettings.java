package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.lock.LockFile;
import dev.apkofarm.core.apk.lock.Locker;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.build.BuildOptions;
import dev.apkofarm.core.build.ImageLocker;
import dev.apkofarm.core.build.LockedImage;
import dev.apkofarm.core.build.StorePackageSource;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.LoadedConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options shared by {@code build}, {@code build-minirootfs} and {@code publish}, and the lock step they run first. */
public final class BuildSettings {
  static final String SPDX = "spdx";
  static final String CYCLONEDX = "cyclonedx";

  /** The command this mixin belongs to; its root holds the environment (SOURCE_DATE_EPOCH). */
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  /** The root, when {@link QuickParse} built this mixin (it sets fields of this type and builds no spec). */
  ApkoClientCommand root;

  @Mixin RepositoryOptions repositories;

  @Mixin LimitOptions limits;

  @Option(
      names = "--annotations",
      split = ",",
      paramLabel = "KEY:VALUE",
      description = "OCI annotations for the index, manifests and config labels (repeatable).")
  List<String> annotations = new ArrayList<>();

  @Option(
      names = "--sbom-path",
      paramLabel = "DIR",
      description = "Where SBOM files go. build: default beside the output (the layout directory, or the tarball's"
          + " directory); publish: written only when given (they are attached to the image either way).")
  Path sbomPath;

  @Option(names = "--sbom", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Make SPDX SBOMs (default: true; --no-sbom to skip): files for build, referrers for publish.")
  boolean sbom = true;

  @Option(
      names = "--sbom-formats",
      split = ",",
      paramLabel = "FORMAT",
      defaultValue = "spdx",
      description = "SBOM formats: spdx (default; files, and referrers for publish) and/or cyclonedx (CycloneDX 1.6"
          + " files, sbom-<arch>.cdx.json).")
  List<String> sbomFormats = new ArrayList<>(List.of(SPDX));

  @Option(
      names = "--build-date",
      paramLabel = "RFC3339",
      description = "Image creation time and date of files the build writes; SOURCE_DATE_EPOCH wins if set."
          + " Default: the newest package build date.")
  String buildDate;

  @Option(names = "--lockfile", paramLabel = "FILE", description = "Install exactly the packages of this lock file.")
  Path lockfile;

  @Option(
      names = {"-p", "--package-append"},
      split = ",",
      paramLabel = "PACKAGE",
      description = "Extra packages to install, added to contents.packages (repeatable).")
  List<String> extraPackages = new ArrayList<>();

  @Option(
      names = "--vcs",
      negatable = true,
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      description = "Find the config's git checkout (up to the working directory) and record its origin URL and HEAD"
          + " as vcs-url (annotations org.opencontainers.image.source and .revision) unless the config sets one"
          + " (default: true; --vcs=false to skip).")
  boolean vcs = true;

  @Mixin ConfigOptions configs;

  /** What a build needs once the config is locked; closing it removes the package scratch and stops the threads. */
  record Prepared(
      LockedImage image, BuildOptions options, StorePackageSource packages, ExecutorService fetchPool)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      fetchPool.shutdownNow();
      packages.close();
    }
  }

  /** Loads and locks the config and wires the package source. */
  Prepared prepare(Path workDir, String reference, PrintWriter err) throws BadInputException, IOException {
    LoadedConfig loaded = configs.load(workDir, err);
    return prepare(workDir, loaded, repositories.archs(loaded), reference, err);
  }

  /** The config with {@code -p/--package-append} added to its packages. */
  LoadedConfig withExtraPackages(LoadedConfig loaded) {
    return extraPackages.isEmpty() ? loaded : loaded.withPackagesAppended(extraPackages);
  }

  Prepared prepare(Path workDir, LoadedConfig config, List<Arch> archs, String reference, PrintWriter err)
      throws BadInputException, IOException {
    LoadedConfig loaded = withExtraPackages(config);
    ImageLocker.Request request =
        new ImageLocker.Request(
            archs,
            parseAnnotations(annotations),
            repositories.extraKeys,
            repositories.extraBuildRepositories,
            repositories.extraRepositories,
            !repositories.ignoreSignatures,
            configs.base(workDir, loaded, archs, err),
            vcs ? VcsProbe.probe(loaded.path(), workDir) : Optional.empty());
    Limits limit = limits.limits();
    Repositories repos = repositories.repositories(workDir, limit);
    PackageStore store = repositories.packageStore(repos, workDir, limit);
    int parallelism = RepositoryOptions.fetchThreads();
    ImageLocker locker = new ImageLocker(new Locker(repos, store, parallelism), repos);
    LockedImage image;
    if (lockfile != null) {
      Path lock = workDir.resolve(lockfile).normalize();
      image = locker.fromLockFile(loaded, LockFile.read(lock), lockfile.toString(), request);
    } else {
      image = locker.lock(loaded, request);
    }
    for (String f : sbomFormats) {
      if (!f.equals(SPDX) && !f.equals(CYCLONEDX)) {
        throw new BadInputException("--sbom-formats \"" + f + "\": expected spdx or cyclonedx");
      }
    }
    BuildOptions options =
        BuildOptions.defaults(reference).withSourceDateEpoch(date()).withSbom(sbom && sbomFormats.contains(SPDX))
            .withLimits(limit);
    return new Prepared(image, options, StorePackageSource.inTemporaryDirectory(store, "apko-farm-packages-"),
        Executors.newFixedThreadPool(parallelism));
  }

  /** {@code SOURCE_DATE_EPOCH}, else {@code --build-date}, else none. */
  Optional<Instant> date() throws BadInputException {
    OptionalLong epoch = SourceDateEpoch.read(mixee == null ? root : (ApkoClientCommand) mixee.root().userObject());
    if (epoch.isPresent()) {
      return Optional.of(Instant.ofEpochSecond(epoch.getAsLong()));
    }
    if (buildDate != null && !buildDate.isBlank()) {
      try {
        return Optional.of(OffsetDateTime.parse(buildDate).toInstant());
      } catch (DateTimeParseException e) {
        throw new BadInputException("--build-date \"" + buildDate + "\" is not an RFC 3339 time (e.g. 2024-01-02T03:04:05Z)");
      }
    }
    return Optional.empty();
  }

  /** {@code --sbom-path}, else beside the output (apko uses the working directory, which may not be writable). */
  Path sbomDir(Path workDir, Path output) {
    if (sbomPath != null) {
      return workDir.resolve(sbomPath).normalize();
    }
    return Files.isDirectory(output) ? output : output.toAbsolutePath().getParent();
  }

  static Map<String, String> parseAnnotations(List<String> raw) throws BadInputException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String a : raw) {
      int colon = a.indexOf(':');
      if (colon <= 0) {
        throw new BadInputException("--annotations " + InputText.quote(a) + ": expected KEY:VALUE");
      }
      out.put(a.substring(0, colon), a.substring(colon + 1));
    }
    return out;
  }
}
