package dev.apkofarm.core.build;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.lock.BaseImageRefusal;
import dev.apkofarm.core.apk.lock.BaseIndex;
import dev.apkofarm.core.apk.lock.LockFile;
import dev.apkofarm.core.apk.lock.Locker;
import dev.apkofarm.core.apk.repo.KeyDiscovery;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.apk.resolve.Resolution;
import dev.apkofarm.core.apk.resolve.ResolvedPackage;
import dev.apkofarm.core.base.LockedBase;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.core.config.ImageContents;
import dev.apkofarm.core.config.LayerFormat;
import dev.apkofarm.core.config.LoadedConfig;
import dev.apkofarm.core.install.ApkDatabase.KeyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The lock step: resolves an image for all its archs at once (versions agree across archs) with the apk engine, or
 * takes the packages of a lock file, and produces the {@link LockedImage} every per-arch build starts from.
 */
public final class ImageLocker {
  private final Locker locker;
  private final Repositories repositories;

  public ImageLocker(Locker locker, Repositories repositories) {
    this.locker = locker;
    this.repositories = repositories;
  }

  /**
   * What to lock beyond the config.
   *
   * @param archs the archs to build
   * @param annotations command-line annotations (they override the config's)
   * @param extraKeys {@code --keyring-append}
   * @param extraBuildRepositories {@code --build-repository-append}
   * @param extraRepositories {@code --repository-append}
   * @param verifySignatures false only for {@code --ignore-signatures}
   * @param base the base image, read, when the config has {@code contents.baseimage}
   * @param vcsUrl {@code URL@REVISION} found by {@code --vcs}, used when the config has no {@code vcs-url}
   */
  public record Request(
      List<Arch> archs,
      Map<String, String> annotations,
      List<String> extraKeys,
      List<String> extraBuildRepositories,
      List<String> extraRepositories,
      boolean verifySignatures,
      Optional<LockedBase> base,
      Optional<String> vcsUrl) {
    public Request {
      Objects.requireNonNull(base, "base");
      Objects.requireNonNull(vcsUrl, "vcsUrl");
      archs = Arch.sorted(archs);
      annotations = new LinkedHashMap<>(annotations);
      extraKeys = List.copyOf(extraKeys);
      extraBuildRepositories = List.copyOf(extraBuildRepositories);
      extraRepositories = List.copyOf(extraRepositories);
      if (archs.isEmpty()) {
        throw new IllegalArgumentException("no archs to build");
      }
    }

    /** No base image and no vcs-url found. */
    public Request(
        List<Arch> archs,
        Map<String, String> annotations,
        List<String> extraKeys,
        List<String> extraBuildRepositories,
        List<String> extraRepositories,
        boolean verifySignatures) {
      this(archs, annotations, extraKeys, extraBuildRepositories, extraRepositories, verifySignatures,
          Optional.empty(), Optional.empty());
    }

    /** Just archs and annotations. */
    public static Request of(List<Arch> archs, Map<String, String> annotations) {
      return new Request(archs, annotations, List.of(), List.of(), List.of(), true);
    }
  }

  /**
   * Refuses {@code format: erofs}: apko builds EROFS layers (an experimental draft format); we build tar+gzip only and
   * say so rather than write tar layers for a config that asked for something else.
   */
  static void requireSupportedFormat(ImageConfig config, String name) throws BadInputException {
    if (config.effectiveFormat() == LayerFormat.EROFS) {
      throw new BadInputException(name + ": format: erofs is not supported (layers are tar+gzip only); remove format"
          + " or set it to tar");
    }
  }

  /** Resolves {@code loaded} for every arch of the request. */
  public LockedImage lock(LoadedConfig loaded, Request request) throws BadInputException, IOException {
    requireSupportedFormat(loaded.config(), loaded.name());
    ImageConfig config = effective(loaded.config(), request);
    Optional<BaseIndex> baseIndex = request.base().map(LockedBase::index);
    Map<Arch, Resolution> resolved =
        locker.resolve(
            new Locker.Request(
                loaded.name(), loaded.checksum(), config.contents(), request.archs(), List.of(), List.of(), List.of(),
                request.verifySignatures(), baseIndex));
    Map<Arch, List<LockedPackage>> archs = new LinkedHashMap<>();
    for (Map.Entry<Arch, Resolution> e : resolved.entrySet()) {
      List<LockedPackage> pkgs = new ArrayList<>();
      for (ResolvedPackage p : Locker.withoutBase(e.getKey(), e.getValue(), baseIndex)) {
        pkgs.add(
            new LockedPackage(
                p.name(), p.version(), p.info().arch(), p.source().repository().url(), p.url(),
                p.info().checksum().orElseThrow(
                    () -> new BadInputException(p + " has no checksum in its index, so it cannot be verified")),
                p.info().size()));
      }
      archs.put(e.getKey(), pkgs);
    }
    return new LockedImage(config, keys(config, request.archs()), archs, request.base());
  }

  /** Takes the packages of {@code lock} (made from this config: its checksum must match). */
  public LockedImage fromLockFile(LoadedConfig loaded, LockFile lock, String lockName, Request request)
      throws BadInputException, IOException {
    requireSupportedFormat(loaded.config(), loaded.name());
    if (loaded.config().contents().baseImage().isPresent() && request.base().isEmpty()) {
      throw BaseImageRefusal.of(loaded.name());
    }
    lock.requireConfigChecksum(lockName, loaded.name(), loaded.checksum());
    ImageConfig config = effective(loaded.config(), request);
    Map<Arch, List<LockedPackage>> archs = new LinkedHashMap<>();
    for (Arch arch : request.archs()) {
      List<LockFile.Pkg> pkgs = lock.packages(arch.apkName());
      if (pkgs.isEmpty()) {
        throw new BadInputException(lockName + " locks no packages for " + arch + " (it has " + lock.architectures() + ")");
      }
      List<LockedPackage> out = new ArrayList<>();
      for (LockFile.Pkg p : pkgs) {
        out.add(new LockedPackage(p.name(), p.version(), p.architecture(), "", p.url(), p.checksum(), 0));
      }
      archs.put(arch, out);
    }
    List<KeyFile> keys = new ArrayList<>();
    for (LockFile.Key k : lock.contents().keyring()) {
      keys.add(new KeyFile(Repositories.keyName(k.url().isEmpty() ? k.name() : k.url()),
          k.content().getBytes(StandardCharsets.UTF_8)));
    }
    if (keys.isEmpty()) {
      keys = keys(config, request.archs());
    }
    return new LockedImage(config, keys, archs, request.base());
  }

  /** The config with command-line annotations, archs and extra keys and repositories merged in. */
  static ImageConfig effective(ImageConfig config, Request request) throws BadInputException {
    Map<String, String> annotations = new LinkedHashMap<>(config.annotations());
    for (Map.Entry<String, String> a : request.annotations().entrySet()) {
      Optional<String> problem = ImageConfig.labelKeyProblem(a.getKey());
      if (problem.isPresent()) {
        throw new BadInputException("annotation " + InputText.quote(a.getKey()) + ": " + problem.get());
      }
      annotations.put(a.getKey(), a.getValue());
    }
    ImageContents c = config.contents();
    ImageContents contents =
        new ImageContents(
            union(c.buildRepositories(), request.extraBuildRepositories()),
            c.runtimeRepositories(),
            union(c.repositories(), request.extraRepositories()),
            union(c.keyring(), request.extraKeys()),
            c.runtimeKeyring(),
            c.packages(),
            c.baseImage());
    ImageConfig.Builder b = config.toBuilder().contents(contents).annotations(annotations).archs(request.archs());
    if (config.vcsUrl().isEmpty()) {
      request.vcsUrl().ifPresent(v -> b.vcsUrl(Optional.of(v)));
    }
    return b.build();
  }

  private static List<String> union(List<String> a, List<String> b) {
    if (b.isEmpty()) {
      return a;
    }
    TreeSet<String> s = new TreeSet<>(a);
    s.addAll(b);
    return List.copyOf(s);
  }

  /** The keyring's keys and, as apko installs them into the image, the keys discovered for its repositories. */
  private List<KeyFile> keys(ImageConfig config, List<Arch> archs) throws BadInputException, IOException {
    List<KeyFile> keys = new ArrayList<>();
    for (String entry : new TreeSet<>(config.contents().keyring())) {
      keys.add(new KeyFile(Repositories.keyName(entry), repositories.keyBytes(entry)));
    }
    List<String> entries = new ArrayList<>(config.contents().buildRepositories());
    entries.addAll(config.contents().repositories());
    for (KeyDiscovery.Key k : repositories.discoverKeys(entries, archs.stream().map(Arch::apkName).toList())) {
      keys.add(new KeyFile(k.fileName(), k.pem()));
    }
    return keys;
  }
}
