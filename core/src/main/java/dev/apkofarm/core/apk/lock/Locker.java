package dev.apkofarm.core.apk.lock;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.apk.pkg.ApkLayout;
import dev.apkofarm.core.apk.pkg.ApkPackage;
import dev.apkofarm.core.apk.repo.KeyDiscovery;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.apk.repo.RepositoryIndex;
import dev.apkofarm.core.apk.resolve.Resolution;
import dev.apkofarm.core.apk.resolve.ResolvedPackage;
import dev.apkofarm.core.apk.resolve.Resolver;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ImageContents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Resolves an image's packages for all its archs at once and writes apko's lock file for them. Resolution uses the
 * union of {@code build_repositories} and {@code repositories} (plus extras) and the keyring (plus extras), each
 * sorted and de-duplicated as apko does; versions agree across archs (a version missing on one arch is not chosen
 * for any). The lock then records, per arch, the repositories as configured and each package with its sections'
 * ranges and checksums, which requires fetching the packages (in parallel, through the {@link PackageStore}).
 */
public final class Locker {
  /**
   * What to lock.
   *
   * @param configName the config path as given (lock {@code config.name})
   * @param configChecksum the config's checksum (lock {@code config.checksum})
   * @param contents the config's {@code contents}
   * @param archs the archs to resolve, in lock order
   * @param extraKeys keys added on the command line ({@code --keyring-append})
   * @param extraBuildRepositories {@code --build-repository-append}
   * @param extraRepositories {@code --repository-append}
   * @param verifySignatures false only for {@code --ignore-signatures}
   * @param base the packages of the base image ({@code contents.baseimage}), when the config has one
   */
  public record Request(
      String configName,
      String configChecksum,
      ImageContents contents,
      List<Arch> archs,
      List<String> extraKeys,
      List<String> extraBuildRepositories,
      List<String> extraRepositories,
      boolean verifySignatures,
      Optional<BaseIndex> base) {
    public Request {
      Objects.requireNonNull(configName, "configName");
      Objects.requireNonNull(base, "base");
      Objects.requireNonNull(configChecksum, "configChecksum");
      Objects.requireNonNull(contents, "contents");
      archs = List.copyOf(archs);
      extraKeys = List.copyOf(extraKeys);
      extraBuildRepositories = List.copyOf(extraBuildRepositories);
      extraRepositories = List.copyOf(extraRepositories);
      if (archs.isEmpty()) {
        throw new IllegalArgumentException("no archs to lock");
      }
    }
  }

  private final Repositories repositories;
  private final PackageStore store;
  private final int parallelism;

  public Locker(Repositories repositories, PackageStore store, int parallelism) {
    this.repositories = repositories;
    this.store = store;
    this.parallelism = parallelism;
  }

  /**
   * Resolves every arch of the request (versions consistent across archs).
   *
   * @return the resolution per arch, in the request's arch order
   */
  public Map<Arch, Resolution> resolve(Request request) throws BadInputException, IOException {
    if (request.contents().baseImage().isPresent() && request.base().isEmpty()) {
      throw BaseImageRefusal.of(request.configName());
    }
    List<String> entries =
        sortedUnion(
            request.contents().buildRepositories(),
            request.contents().repositories(),
            request.extraBuildRepositories(),
            request.extraRepositories());
    Keyring keyring = repositories.loadKeyring(sortedUnion(request.contents().keyring(), request.extraKeys()))
        .with(discoveredKeys(entries, request.archs()));
    List<Repository> repos = new ArrayList<>();
    for (String r : entries) {
      repos.add(parseRepository(r));
    }
    if (repos.isEmpty()) {
      throw new BadInputException("no repositories configured (contents.repositories)");
    }
    Map<Arch, Resolver> resolvers = new LinkedHashMap<>();
    for (Arch arch : request.archs()) {
      List<RepositoryIndex> indexes =
          new ArrayList<>(repositories.loadIndexes(repos, arch.apkName(), keyring, request.verifySignatures()));
      // apko lists the base's index after every repository, unsigned.
      request.base().ifPresent(b -> indexes.add(new RepositoryIndex(b.repository(), arch.apkName(), b.index(arch))));
      resolvers.put(arch, new Resolver(arch.apkName(), indexes));
    }
    Map<Arch, Resolution> out = new LinkedHashMap<>();
    for (Map.Entry<Arch, Resolver> e : resolvers.entrySet()) {
      List<String> world = new ArrayList<>(request.contents().packages());
      request.base().ifPresent(b -> b.index(e.getKey()).packages().forEach(p -> world.add(p.name() + "=" + p.version())));
      out.put(e.getKey(), e.getValue().resolve(world, resolvers.values()));
    }
    return out;
  }

  /** Resolves, fetches the packages and builds the lock file. */
  public LockFile lock(Request request) throws BadInputException, IOException {
    Map<Arch, Resolution> resolutions = resolve(request);
    List<LockFile.Key> keys = new ArrayList<>();
    for (String entry : request.contents().keyring()) {
      keys.add(
          new LockFile.Key(
              stripScheme(entry), entry, new String(repositories.keyBytes(entry), java.nio.charset.StandardCharsets.UTF_8)));
    }
    // apko adds the keys it discovers for every repository (build, runtime, both) to the lock.
    List<String> allRepositories =
        sortedUnion(
            request.contents().buildRepositories(),
            request.contents().runtimeRepositories(),
            request.contents().repositories());
    for (KeyDiscovery.Key k : repositories.discoverKeys(allRepositories, apkArchs(request.archs()))) {
      keys.add(new LockFile.Key(stripScheme(k.url()), k.url(), new String(k.pem(), StandardCharsets.UTF_8)));
    }
    keys.sort((a, b) -> CodePointOrder.INSTANCE.compare(a.name(), b.name()));
    List<LockFile.Pkg> packages = new ArrayList<>();
    List<LockFile.Repo> build = new ArrayList<>();
    List<LockFile.Repo> runtime = new ArrayList<>();
    List<LockFile.Repo> repos = new ArrayList<>();
    for (Map.Entry<Arch, Resolution> e : resolutions.entrySet()) {
      String arch = e.getKey().apkName();
      List<ResolvedPackage> resolved = withoutBase(e.getKey(), e.getValue(), request.base());
      List<ApkPackage> fetched = store.getAll(resolved, parallelism);
      for (int i = 0; i < resolved.size(); i++) {
        ResolvedPackage p = resolved.get(i);
        ApkLayout layout = fetched.get(i).layout();
        packages.add(
            new LockFile.Pkg(
                p.name(),
                p.url(),
                p.version(),
                p.info().arch(),
                layout.signature().map(LockFile.Section::of).orElse(LockFile.Section.NONE),
                LockFile.Section.of(layout.control()),
                LockFile.Section.of(layout.data()),
                p.info().checksum().orElse("")));
      }
      for (String r : request.contents().buildRepositories()) {
        build.add(repoLock(r, arch));
      }
      for (String r : request.contents().runtimeRepositories()) {
        runtime.add(repoLock(r, arch));
      }
      for (String r : request.contents().repositories()) {
        repos.add(repoLock(r, arch));
      }
    }
    return new LockFile(
        "v1",
        java.util.Optional.of(new LockFile.Config(request.configName(), request.configChecksum())),
        new LockFile.Contents(keys, build, runtime, repos, packages));
  }

  private List<Keyring.Key> discoveredKeys(List<String> entries, List<Arch> archs)
      throws BadInputException, IOException {
    List<Keyring.Key> out = new ArrayList<>();
    for (KeyDiscovery.Key k : repositories.discoverKeys(entries, apkArchs(archs))) {
      out.add(Keyring.Key.parse(k.fileName(), k.pem()));
    }
    return out;
  }

  private static List<String> apkArchs(List<Arch> archs) {
    return archs.stream().map(Arch::apkName).toList();
  }

  /**
   * The packages a resolution adds to the base image: apko's lock of an image on a base leaves out every package the
   * base has (by name).
   */
  public static List<ResolvedPackage> withoutBase(Arch arch, Resolution resolution, Optional<BaseIndex> base) {
    if (base.isEmpty()) {
      return resolution.packages();
    }
    return resolution.packages().stream().filter(p -> !base.get().has(arch, p.name())).toList();
  }

  private static LockFile.Repo repoLock(String entry, String arch) throws BadInputException {
    Repository r = parseRepository(entry);
    return new LockFile.Repo(stripScheme(r.archUrl(arch)), r.indexUrl(arch), arch);
  }

  private static Repository parseRepository(String entry) throws BadInputException {
    try {
      return Repository.parse(entry);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("contents.repositories: " + e.getMessage());
    }
  }

  /** apko's name for a key or repository: the location without {@code https://} or {@code http://}. */
  static String stripScheme(String location) {
    if (location.startsWith("https://")) {
      return location.substring("https://".length());
    }
    if (location.startsWith("http://")) {
      return location.substring("http://".length());
    }
    return location;
  }

  @SafeVarargs
  private static List<String> sortedUnion(Collection<String>... lists) {
    TreeSet<String> set = new TreeSet<>(CodePointOrder.INSTANCE);
    for (Collection<String> l : lists) {
      set.addAll(l);
    }
    return List.copyOf(set);
  }
}
