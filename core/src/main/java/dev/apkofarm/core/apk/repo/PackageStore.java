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
import dev.apkofarm.core.cache.FetchClaims;
import dev.apkofarm.core.cache.LocalBlob;
import dev.apkofarm.core.io.AtomicFile;
import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
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
 * shared one), then fetches from the package's origin. Every blob, whatever tier it came from, is verified against
 * the index (control SHA-1, which binds {@code .PKGINFO} and so the data SHA-256) before use; a tier that returns a
 * bad blob, or fails while streaming it, has the entry removed and the next tier is tried. A package fetched, or
 * found in a tier, is offered to every tier ({@link BlobCache#offer}) with its sha256, taken while the bytes arrived.
 * With {@link FetchClaims} shared by several processes, one of them fetches a package from its origin while the
 * others wait and then take it from a tier. Cache keys are {@code apk:<control sha1 hex>}: the index's checksum,
 * known before fetching.
 */
public final class PackageStore {
  // Looked up when something is logged: see Repositories.log().
  private static Logger log() {
    return LoggerFactory.getLogger(PackageStore.class);
  }

  private final Fetcher fetcher;
  private final DiskBlobCache disk;
  private final List<BlobCache> tiers;
  private final FetchClaims claims;
  private final long maxPackage;
  private final Limits limits;

  /**
   * @param fetcher reads packages from their repositories
   * @param disk the local tier (also where verified packages are kept for random access)
   * @param tiers further tiers, fastest first (may be empty)
   */
  public PackageStore(Fetcher fetcher, DiskBlobCache disk, List<BlobCache> tiers) {
    this(fetcher, disk, tiers, FetchClaims.NONE, 4L << 30);
  }

  public PackageStore(Fetcher fetcher, DiskBlobCache disk, List<BlobCache> tiers, long maxPackage) {
    this(fetcher, disk, tiers, FetchClaims.NONE, maxPackage, Limits.DEFAULTS);
  }

  /**
   * @param maxPackage the largest .apk file fetched
   * @param limits what an opened package may hold (control and data sizes, entries, paths, expansion)
   */
  public PackageStore(Fetcher fetcher, DiskBlobCache disk, List<BlobCache> tiers, long maxPackage, Limits limits) {
    this(fetcher, disk, tiers, FetchClaims.NONE, maxPackage, limits);
  }

  /**
   * @param claims who fetches a package from its origin when others need it too ({@link FetchClaims#NONE}: this
   *     process, always)
   */
  public PackageStore(Fetcher fetcher, DiskBlobCache disk, List<BlobCache> tiers, FetchClaims claims,
      long maxPackage) {
    this(fetcher, disk, tiers, claims, maxPackage, Limits.DEFAULTS);
  }

  /** With claims and limits. */
  public PackageStore(Fetcher fetcher, DiskBlobCache disk, List<BlobCache> tiers, FetchClaims claims,
      long maxPackage, Limits limits) {
    this.fetcher = fetcher;
    this.disk = disk;
    this.tiers = List.copyOf(tiers);
    this.claims = claims;
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
    while (true) {
      Optional<ApkPackage> cached = cached(info, key, local);
      if (cached.isPresent()) {
        return cached.get();
      }
      Optional<FetchClaims.Claim> claim = claims.claim(key);
      if (claim.isEmpty()) {
        continue; // another fetched it meanwhile (or gave up): look again
      }
      try (FetchClaims.Claim mine = claim.get()) {
        // Shared between our look and our claim (the claim of whoever shared it ended just before ours began)?
        cached = cached(info, key, local);
        return cached.isPresent() ? cached.get() : fromOrigin(info, origin, key, local);
      }
    }
  }

  /** The package from the disk cache (where another thread of this process may have put it), else from a tier. */
  private Optional<ApkPackage> cached(PackageInfo info, BlobKey key, Path local) throws IOException {
    if (Files.exists(local)) {
      Optional<ApkPackage> ok = verifyOrDrop(local, info, disk, key);
      if (ok.isPresent()) {
        return ok;
      }
    }
    return fromTiers(info, key, local);
  }

  /** The package from the first tier that has a good copy, kept on disk and offered to the tiers; else empty. */
  private Optional<ApkPackage> fromTiers(PackageInfo info, BlobKey key, Path local) throws IOException {
    for (BlobCache tier : tiers) {
      Optional<InputStream> in = tier.open(key);
      if (in.isEmpty()) {
        continue;
      }
      try (AtomicFile tmp = disk.newEntry()) {
        MessageDigest sha = Digest.newSha256();
        long size;
        try (InputStream s = in.get();
            OutputStream out = new DigestOutputStream(tmp.newOutputStream(), sha)) {
          size = s.transferTo(out);
        } catch (InterruptedIOException e) {
          throw e;
        } catch (IOException e) {
          // A tier that breaks off or streams bytes that are not what it promised is a bad copy, like one that
          // fails verification: not the build's failure.
          log().warn("reading {} from cache tier {} failed ({}); removing it there", info.nameVersion(), tier,
              e.getMessage());
          tier.remove(key);
          continue;
        }
        Optional<ApkPackage> ok = verifyOrDrop(tmp.path(), info, tier, key);
        if (ok.isPresent()) {
          tmp.commit(local);
          offer(info, key, new LocalBlob(local, Digest.sha256(sha.digest()), size));
          return Optional.of(ok.get().movedTo(local));
        }
      }
    }
    return Optional.empty();
  }

  /** Fetches the package from its origin, verifies it, keeps it on disk and offers it to the tiers. */
  private ApkPackage fromOrigin(PackageInfo info, PackageOrigin origin, BlobKey key, Path local)
      throws IOException, PackageVerificationException {
    try (AtomicFile tmp = disk.newEntry()) {
      Digest sha256;
      long size;
      if (origin instanceof PackageOrigin.Content c) {
        copyVerified(info, c, tmp.path());
        sha256 = c.digest();
        size = c.size();
      } else {
        // Digested on its way to disk only when a tier will want it (a local build has none).
        MessageDigest sha = tiers.isEmpty() ? null : Digest.newSha256();
        try (OutputStream file = tmp.newOutputStream();
            OutputStream out = sha == null ? file : new DigestOutputStream(file, sha)) {
          fetcher.fetchTo(((PackageOrigin.Location) origin).url(), out, maxPackage);
        }
        sha256 = sha == null ? null : Digest.sha256(sha.digest());
        size = Files.size(tmp.path());
      }
      ApkPackage verified = ApkPackage.open(tmp.path(), info, limits);
      tmp.commit(local);
      if (sha256 != null) {
        offer(info, key, new LocalBlob(local, sha256, size));
      }
      return verified.movedTo(local);
    } catch (FetchException e) {
      throw new FetchException("package " + info.nameVersion() + ": " + e.getMessage(), e);
    }
  }

  /** Offers a verified package on disk to every tier; a tier that fails costs a warning, not the build. */
  private void offer(PackageInfo info, BlobKey key, LocalBlob blob) {
    for (BlobCache tier : tiers) {
      try {
        tier.offer(key, blob);
      } catch (IOException e) {
        log().warn("could not store {} in cache tier {}: {}", info.nameVersion(), tier, e.getMessage());
      }
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
      log().warn("cached {} in {} failed verification ({}); removing it and fetching again", info.nameVersion(), tier,
          e.getMessage());
      tier.remove(key);
      return Optional.empty();
    }
  }
}
