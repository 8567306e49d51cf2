package dev.apkofarm.core.apk.repo;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.lock.LockFile;
import dev.apkofarm.core.apk.pkg.ApkPackage;
import dev.apkofarm.core.apk.pkg.PackageVerificationException;
import dev.apkofarm.core.apk.resolve.ResolvedPackage;
import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.io.AtomicFile;
import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives verified packages: looks in the local disk cache, then in further {@link BlobCache} tiers (the farm adds a
 * Hazelcast one), then fetches from the repository. Every blob, whatever tier it came from, is verified against the
 * index (control SHA-1, which binds {@code .PKGINFO} and so the data SHA-256) before use; a tier that returns a bad
 * blob has the entry removed and the next tier is tried. A package fetched or found in a slower tier is written to
 * the faster ones. Cache keys are {@code apk:<control sha1 hex>}: the index's checksum, known before fetching.
 */
public final class PackageStore {
  private static final Logger LOG = LoggerFactory.getLogger(PackageStore.class);

  private final Fetcher fetcher;
  private final DiskBlobCache disk;
  private final List<BlobCache> tiers;
  private final long maxPackage;
  private final Limits limits;

  /**
   * @param fetcher reads packages from their repositories
   * @param disk the local tier (also where verified packages are kept for random access)
   * @param tiers further tiers, fastest first (may be empty)
   */
  public PackageStore(Fetcher fetcher, DiskBlobCache disk, List<BlobCache> tiers) {
    this(fetcher, disk, tiers, 4L << 30);
  }

  public PackageStore(Fetcher fetcher, DiskBlobCache disk, List<BlobCache> tiers, long maxPackage) {
    this(fetcher, disk, tiers, maxPackage, Limits.DEFAULTS);
  }

  /**
   * @param maxPackage the largest .apk file fetched
   * @param limits what an opened package may hold (control and data sizes, entries, paths, expansion)
   */
  public PackageStore(Fetcher fetcher, DiskBlobCache disk, List<BlobCache> tiers, long maxPackage, Limits limits) {
    this.fetcher = fetcher;
    this.disk = disk;
    this.tiers = List.copyOf(tiers);
    this.maxPackage = maxPackage;
    this.limits = limits;
  }

  /** A store with the default fetch ceiling and {@code limits}. */
  public PackageStore(Fetcher fetcher, DiskBlobCache disk, List<BlobCache> tiers, Limits limits) {
    this(fetcher, disk, tiers, 4L << 30, limits);
  }

  /** What packages from this store may hold. */
  public Limits limits() {
    return limits;
  }

  /** The content address of a package: {@code apk:<hex SHA-1 of its control section>}. */
  public static BlobKey key(PackageInfo info) throws PackageVerificationException {
    byte[] sha1 =
        info.controlSha1()
            .orElseThrow(
                () -> new PackageVerificationException(info.nameVersion(), "its index entry has no checksum (C:)"));
    return BlobKey.ofPackage(sha1);
  }

  /**
   * The verified package.
   *
   * @throws PackageVerificationException when the repository's copy fails verification (cached copies that fail
   *     are dropped and refetched)
   * @throws IOException when the package cannot be fetched (the message names its URL)
   */
  public ApkPackage get(ResolvedPackage pkg) throws IOException, PackageVerificationException {
    return get(pkg.info(), pkg.url());
  }

  /**
   * The verified package {@code info} (which must carry its index checksum), fetched from {@code url} when no cache
   * tier has it; for packages named by a lock file (see {@link LockFile.Pkg#toPackageInfo()}).
   */
  public ApkPackage get(PackageInfo info, String url) throws IOException, PackageVerificationException {
    return get(info, new PackageOrigin.Location(url));
  }

  /** The verified package {@code info}, taken from {@code origin} when no cache tier has it. */
  public ApkPackage get(PackageInfo info, PackageOrigin origin) throws IOException, PackageVerificationException {
    BlobKey key = key(info);
    Path local = disk.file(key);
    if (Files.exists(local)) {
      Optional<ApkPackage> ok = verifyOrDrop(local, info, disk, key);
      if (ok.isPresent()) {
        return ok.get();
      }
    }
    for (BlobCache tier : tiers) {
      Optional<InputStream> in = tier.open(key);
      if (in.isEmpty()) {
        continue;
      }
      try (AtomicFile tmp = disk.newEntry()) {
        try (InputStream s = in.get();
            OutputStream out = tmp.newOutputStream()) {
          s.transferTo(out);
        }
        Optional<ApkPackage> ok = verifyOrDrop(tmp.path(), info, tier, key);
        if (ok.isPresent()) {
          tmp.commit(local);
          return ok.get().movedTo(local);
        }
      }
    }
    try (AtomicFile tmp = disk.newEntry()) {
      if (origin instanceof PackageOrigin.Content c) {
        copyVerified(info, c, tmp.path());
      } else {
        fetcher.fetchToFile(((PackageOrigin.Location) origin).url(), tmp.path(), maxPackage);
      }
      ApkPackage verified = ApkPackage.open(tmp.path(), info, limits);
      tmp.commit(local);
      for (BlobCache tier : tiers) {
        try (InputStream s = Files.newInputStream(local)) {
          tier.put(key, s);
        } catch (IOException e) {
          LOG.warn("could not store {} in cache tier {}: {}", info.nameVersion(), tier, e.getMessage());
        }
      }
      return verified.movedTo(local);
    } catch (FetchException e) {
      throw new FetchException("package " + info.nameVersion() + ": " + e.getMessage(), e);
    }
  }

  /** Copies a content-addressed package into {@code target}, refusing it unless size and sha256 match. */
  private void copyVerified(PackageInfo info, PackageOrigin.Content c, Path target) throws IOException {
    if (c.size() > maxPackage) {
      throw new FetchException("package " + info.nameVersion() + ": " + c.digest() + " is " + c.size()
          + " bytes, over the limit of " + maxPackage, false);
    }
    MessageDigest sha = Digest.newSha256();
    long n = 0;
    try (InputStream in = c.store().open(c.digest());
        OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha)) {
      byte[] buf = new byte[64 * 1024];
      int r;
      // One byte past the promised size is enough to know the copy is wrong: never store more than that.
      while (n <= c.size() && (r = in.read(buf, 0, (int) Math.min(buf.length, c.size() + 1 - n))) > 0) {
        out.write(buf, 0, r);
        n += r;
      }
    }
    Digest actual = Digest.sha256(sha.digest());
    if (n != c.size() || !actual.equals(c.digest())) {
      // Not the package's fault (its store verified it when it arrived): a transfer or disk problem, worth a retry.
      throw new IOException("package " + info.nameVersion() + ": its stored copy " + c.digest() + " (" + c.size()
          + " bytes) read back as " + actual + " (" + n + " bytes)");
    }
  }

  /**
   * Fetches several packages in parallel and returns them in the given order.
   *
   * @param parallelism how many fetches run at once
   */
  public List<ApkPackage> getAll(List<ResolvedPackage> packages, int parallelism)
      throws IOException, BadInputException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, packages.size())));
    try {
      List<CompletableFuture<ApkPackage>> futures = new ArrayList<>();
      for (ResolvedPackage p : packages) {
        futures.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return get(p);
                  } catch (IOException | PackageVerificationException e) {
                    throw new CompletionException(e);
                  }
                },
                pool));
      }
      List<ApkPackage> out = new ArrayList<>();
      for (CompletableFuture<ApkPackage> f : futures) {
        try {
          out.add(f.join());
        } catch (CompletionException e) {
          if (e.getCause() instanceof PackageVerificationException v) {
            throw v;
          }
          if (e.getCause() instanceof IOException io) {
            throw io;
          }
          throw e;
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private Optional<ApkPackage> verifyOrDrop(Path file, PackageInfo info, BlobCache tier, BlobKey key)
      throws IOException {
    try {
      return Optional.of(ApkPackage.open(file, info, limits));
    } catch (PackageVerificationException e) {
      LOG.warn("cached {} in {} failed verification ({}); removing it and fetching again", info.nameVersion(), tier,
          e.getMessage());
      tier.remove(key);
      return Optional.empty();
    }
  }
}
