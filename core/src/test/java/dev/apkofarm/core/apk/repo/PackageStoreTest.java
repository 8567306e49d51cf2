package dev.apkofarm.core.apk.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.pkg.ApkPackage;
import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageVerificationException;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.cache.FetchClaims;
import dev.apkofarm.core.cache.LocalBlob;
import dev.apkofarm.core.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package store's tiers and claims against a real HTTP repository: what it offers a shared tier, how it treats a
 * tier that breaks off, and that a process waiting for another's claim takes the package from the tier instead of
 * fetching it again.
 */
class PackageStoreTest {
  @TempDir Path tmp;

  private RepositoryServer server;
  private PackageInfo info;
  private Path apk;

  @BeforeEach
  void repository() throws Exception {
    byte[] payload = new byte[300_000];
    new Random(16).nextBytes(payload);
    apk = tmp.resolve("repo/x86_64/big-1.0-r0.apk");
    info = PackageWriter.write(PackageSpec.builder("big", "1.0-r0", "x86_64").build(),
        PackageContent.builder().file("usr/share/big", payload, 0644).build(),
        Optional.of(SigningKey.generate("test.rsa.pub", 2048)), SignatureAlgorithm.RSA_SHA256, apk);
    server = new RepositoryServer(tmp.resolve("repo"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String url() {
    return server.url() + "/x86_64/big-1.0-r0.apk";
  }

  private long downloads() {
    return server.requests.stream().filter(r -> r.equals("GET /x86_64/big-1.0-r0.apk")).count();
  }

  private PackageStore store(String name, List<BlobCache> tiers, FetchClaims claims) throws IOException {
    return new PackageStore(new Fetcher(Fetcher.Options.defaults(tmp, Optional.empty())),
        new DiskBlobCache(tmp.resolve(name)), tiers, claims, 1L << 30);
  }

  @Test
  void aFetchedPackageIsOfferedToEveryTierWithTheDigestOfItsFile() throws Exception {
    MemoryTier tier = new MemoryTier();

    ApkPackage got = store("a", List.of(tier), FetchClaims.NONE).get(info, url());

    LocalBlob offered = tier.offers.get(PackageStore.key(info));
    assertThat(offered.file()).isEqualTo(got.file());
    assertThat(offered.sha256()).isEqualTo(Digest.of(Files.readAllBytes(apk)));
    assertThat(offered.size()).isEqualTo(Files.size(apk));
  }

  @Test
  void aTierThatBreaksOffMidStreamIsDroppedAndThePackageFetchedFromItsOrigin() throws Exception {
    MemoryTier tier = new MemoryTier();
    BlobKey key = PackageStore.key(info);
    tier.blobs.put(key, Files.readAllBytes(apk));
    tier.breakAfter = 1000;

    ApkPackage got = store("a", List.of(tier), FetchClaims.NONE).get(info, url());

    assertThat(Files.readAllBytes(got.file())).isEqualTo(Files.readAllBytes(apk));
    assertThat(tier.removed).containsExactly(key);
    assertThat(downloads()).isEqualTo(1);
  }

  @Test
  void aProcessWaitingForAnothersClaimTakesThePackageFromTheTierInsteadOfFetchingIt() throws Exception {
    MemoryTier shared = new MemoryTier();
    OneHolder claims = new OneHolder();
    PackageStore first = store("first", List.of(shared), claims);
    PackageStore second = store("second", List.of(shared), claims);

    // The first claims and, before it fetches, waits until the second is waiting for that claim.
    CompletableFuture<ApkPackage> a = CompletableFuture.supplyAsync(() -> get(first));
    CompletableFuture<ApkPackage> b = CompletableFuture.supplyAsync(() -> get(second));

    assertThat(Files.readAllBytes(a.get(60, TimeUnit.SECONDS).file())).isEqualTo(Files.readAllBytes(apk));
    assertThat(Files.readAllBytes(b.get(60, TimeUnit.SECONDS).file())).isEqualTo(Files.readAllBytes(apk));
    assertThat(claims.waited).isTrue();
    assertThat(downloads()).isEqualTo(1);
  }

  @Test
  void aClaimThatEndsWithoutThePackageSharedLeavesTheNextToFetchItItself() throws Exception {
    MemoryTier shared = new MemoryTier();
    shared.refuseOffers = true; // as if the first holder could share nothing
    OneHolder claims = new OneHolder();
    PackageStore first = store("first", List.of(shared), claims);
    PackageStore second = store("second", List.of(shared), claims);

    CompletableFuture<ApkPackage> a = CompletableFuture.supplyAsync(() -> get(first));
    CompletableFuture<ApkPackage> b = CompletableFuture.supplyAsync(() -> get(second));

    a.get(60, TimeUnit.SECONDS);
    assertThat(Files.readAllBytes(b.get(60, TimeUnit.SECONDS).file())).isEqualTo(Files.readAllBytes(apk));
    assertThat(claims.waited).isTrue();
    assertThat(downloads()).isEqualTo(2);
  }

  private ApkPackage get(PackageStore store) {
    try {
      return store.get(info, url());
    } catch (IOException | PackageVerificationException e) {
      throw new RuntimeException(e);
    }
  }

  /** A tier in memory (small test blobs), recording offers and removals; it can break off mid-stream. */
  private static final class MemoryTier implements BlobCache {
    final Map<BlobKey, byte[]> blobs = new ConcurrentHashMap<>();
    final Map<BlobKey, LocalBlob> offers = new ConcurrentHashMap<>();
    final List<BlobKey> removed = new CopyOnWriteArrayList<>();
    volatile long breakAfter = Long.MAX_VALUE;
    volatile boolean refuseOffers;

    @Override
    public Optional<InputStream> open(BlobKey key) {
      byte[] b = blobs.get(key);
      if (b == null) {
        return Optional.empty();
      }
      long limit = breakAfter;
      return Optional.of(new FilterInputStream(new ByteArrayInputStream(b)) {
        private long read;

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
          if (read >= limit) {
            throw new IOException("connection reset");
          }
          int n = super.read(buf, off, (int) Math.min(len, limit - read));
          read += Math.max(0, n);
          return n;
        }
      });
    }

    @Override
    public void put(BlobKey key, InputStream content) throws IOException {
      blobs.put(key, content.readAllBytes());
    }

    @Override
    public void offer(BlobKey key, LocalBlob blob) throws IOException {
      offers.put(key, blob);
      if (!refuseOffers) {
        BlobCache.super.offer(key, blob);
      }
    }

    @Override
    public void remove(BlobKey key) {
      blobs.remove(key);
      removed.add(key);
    }
  }

  /**
   * Claims for two callers in one test: the first holds the claim and keeps it until the second is waiting for it
   * (so the second really waits); the second is let go, without a claim, when the first closes it.
   */
  private static final class OneHolder implements FetchClaims {
    private final CountDownLatch secondWaiting = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private boolean held;
    volatile boolean waited;

    @Override
    public Optional<Claim> claim(BlobKey key) throws IOException {
      boolean first;
      synchronized (this) {
        first = !held;
        held = true;
      }
      try {
        if (first) {
          if (!secondWaiting.await(60, TimeUnit.SECONDS)) {
            throw new IOException("the second caller never came");
          }
          return Optional.of(released::countDown);
        }
        if (released.getCount() == 0) {
          return Optional.of(() -> { }); // after the first: free
        }
        waited = true;
        secondWaiting.countDown();
        if (!released.await(60, TimeUnit.SECONDS)) {
          throw new IOException("the first caller never let go");
        }
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      }
    }
  }
}
