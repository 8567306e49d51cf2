package dev.apkofarm.core.build;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.pkg.ApkPackage;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.install.PackageArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Packages for builds from the apk engine's {@link PackageStore} (disk cache, farm tiers, repository; everything
 * verified against the locked checksum), expanded: small files in memory within a fixed budget, the rest into a
 * scratch directory made when first needed ({@link ExpansionSpace}). Expanded packages are kept for the life of this
 * source, so repeated builds in one process (the farm worker, benchmarks) install without touching the packages
 * again. Close it to delete the scratch directory.
 */
public final class StorePackageSource implements PackageSource, AutoCloseable {
  private final PackageStore store;
  private final PackageOrigins origins;
  private final ExpansionSpace space;
  private final ConcurrentHashMap<String, CompletableFuture<PackageArchive>> expanded = new ConcurrentHashMap<>();

  /**
   * @param store where verified packages come from
   * @param scratch a directory for expanded file contents (created when first needed; deleted on {@link #close()})
   */
  public StorePackageSource(PackageStore store, Path scratch) {
    this(store, PackageOrigins.LOCATIONS, scratch);
  }

  /**
   * @param origins where a package comes from when no cache has it (a farm worker takes local-repository packages
   *     from its coordinator's store by digest, never from a path of its own)
   */
  public StorePackageSource(PackageStore store, PackageOrigins origins, Path scratch) {
    this(store, origins, ExpansionSpace.in(scratch));
  }

  private StorePackageSource(PackageStore store, PackageOrigins origins, ExpansionSpace space) {
    this.store = store;
    this.origins = origins;
    this.space = space;
  }

  /**
   * A source whose scratch directory is a new {@code <prefix><random>} in the system's temporary directory, made
   * (safely, as {@link Files#createTempDirectory} makes one) only when a file goes to disk: one larger than a file
   * held in memory may be, or one that comes after the budget is spent.
   */
  public static StorePackageSource inTemporaryDirectory(PackageStore store, String prefix) {
    return new StorePackageSource(store, PackageOrigins.LOCATIONS,
        new ExpansionSpace(ExpansionSpace.BUDGET, () -> Files.createTempDirectory(prefix)));
  }

  @Override
  public PackageArchive open(LockedPackage pkg) throws IOException, BadInputException {
    String key = pkg.checksum() + " " + pkg.name() + "-" + pkg.version();
    CompletableFuture<PackageArchive> mine = new CompletableFuture<>();
    CompletableFuture<PackageArchive> f = expanded.putIfAbsent(key, mine);
    if (f == null) {
      f = mine;
      try {
        mine.complete(load(pkg));
      } catch (IOException | BadInputException | RuntimeException e) {
        expanded.remove(key, mine);
        mine.completeExceptionally(e);
      }
    }
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof BadInputException b) {
        throw b;
      }
      if (c instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  private PackageArchive load(LockedPackage pkg) throws IOException, BadInputException {
    PackageInfo info;
    try {
      info = PackageInfo.builder(pkg.name(), pkg.version()).arch(pkg.arch()).checksum(pkg.checksum()).build();
    } catch (IllegalArgumentException e) {
      throw new BadInputException("locked package " + pkg + ": " + e.getMessage(), e);
    }
    ApkPackage apk = store.get(info, origins.of(pkg));
    // The installed database's S: is the size the index lists (apk and apko record it so), not the size of the copy
    // at hand: a package signed again with another key keeps its control and data sections, and so its cache entry,
    // but not its length; the copy a cache holds must not change the image.
    return ExpandedPackage.expand(apk, space, pkg.size() > 0 ? pkg.size() : apk.layout().fileSize());
  }

  @Override
  public void close() throws IOException {
    expanded.clear();
    space.close();
  }
}
