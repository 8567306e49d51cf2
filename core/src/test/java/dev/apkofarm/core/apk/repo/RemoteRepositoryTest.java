package dev.apkofarm.core.apk.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.lock.LockFile;
import dev.apkofarm.core.apk.pkg.ApkPackage;
import dev.apkofarm.core.apk.pkg.PackageVerificationException;
import dev.apkofarm.core.apk.resolve.Resolution;
import dev.apkofarm.core.apk.resolve.ResolvedPackage;
import dev.apkofarm.core.apk.resolve.Resolver;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repositories over real HTTP (a JDK HttpServer on 127.0.0.1 serving apko's CLI test repository). */
class RemoteRepositoryTest {
  @TempDir Path dir;
  private RepositoryServer server;
  private Path repoRoot;

  @BeforeEach
  void start() throws IOException {
    repoRoot = Fixtures.apkoCli().resolve("testdata/packages");
    server = new RepositoryServer(repoRoot);
  }

  @AfterEach
  void stop() {
    if (server != null) { // start() may have failed before the server existed: report that, not an NPE here
      server.close();
    }
  }

  private Fetcher fetcher(boolean offline, Optional<Fetcher.Auth> auth) {
    return new Fetcher(
        new Fetcher.Options(dir, Optional.of(dir.resolve("cache")), offline, Duration.ofSeconds(10), 3, auth));
  }

  private Keyring keyring(Repositories repos) throws Exception {
    return repos.loadKeyring(List.of(server.url() + "/melange.rsa.pub"));
  }

  @Test
  void loadsSignedIndexesAndKeysOverHttpAndRevalidatesByEtag() throws Exception {
    Repositories repos = new Repositories(fetcher(false, Optional.empty()));
    Keyring keys = keyring(repos);
    assertThat(keys.names()).containsExactly("melange.rsa.pub");
    Repository repo = Repository.parse(server.url());
    List<RepositoryIndex> first = repos.loadIndexes(List.of(repo), "x86_64", keys, true);
    assertThat(first.get(0).index().packages()).hasSize(4);
    List<RepositoryIndex> second = repos.loadIndexes(List.of(repo), "x86_64", keys, true);
    assertThat(second.get(0).index()).isEqualTo(first.get(0).index());
    assertThat(server.requests).containsExactly(
        "GET /melange.rsa.pub", "GET /x86_64/APKINDEX.tar.gz", "GET /x86_64/APKINDEX.tar.gz (etag)");

    Repositories offline = new Repositories(fetcher(true, Optional.empty()));
    assertThat(offline.loadIndexes(List.of(repo), "x86_64", keys, true).get(0).index()).isEqualTo(first.get(0).index());
    assertThat(server.requests).hasSize(3);
    assertThatThrownBy(() -> offline.loadIndexes(List.of(repo), "aarch64", keys, true))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("offline")
        .hasMessageContaining("/aarch64/APKINDEX.tar.gz");
  }

  @Test
  void sendsBasicAuthOnlyToItsHostAndExplainsA401() throws Exception {
    server.requireBasicAuth("user", "s3cret");
    Repositories anonymous = new Repositories(fetcher(false, Optional.empty()));
    assertThatThrownBy(() -> keyring(anonymous)).hasMessageContaining("HTTP 401").hasMessageContaining("HTTP_AUTH");
    Fetcher.Auth auth = Fetcher.Auth.parse("basic:127.0.0.1:user:s3cret").orElseThrow();
    Repositories withAuth = new Repositories(fetcher(false, Optional.of(auth)));
    assertThat(keyring(withAuth).names()).containsExactly("melange.rsa.pub");
    assertThat(auth.toString()).doesNotContain("s3cret");
  }

  @Test
  void retriesServerErrors() throws Exception {
    server.failuresToInject.set(2);
    Repositories repos = new Repositories(fetcher(false, Optional.empty()));
    assertThat(keyring(repos).names()).hasSize(1);
    assertThat(server.requests).hasSize(3);
    server.failuresToInject.set(5);
    assertThatThrownBy(() -> repos.loadKeyring(List.of(server.url() + "/x86_64/APKINDEX.tar.gz")))
        .hasMessageContaining("HTTP 500");
  }

  @Test
  void missingRemoteIndexFailsNamingItsUrl() throws Exception {
    Repositories repos = new Repositories(fetcher(false, Optional.empty()));
    Keyring keys = keyring(repos);
    assertThatThrownBy(() -> repos.loadIndexes(List.of(Repository.parse(server.url() + "/nope")), "x86_64", keys, true))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("/nope/x86_64/APKINDEX.tar.gz")
        .hasMessageContaining("HTTP 404");
  }

  @Test
  void skipsALocalRepositoryWithoutThisArchAndOneThatDoesNotExistAsApkoDoes() throws Exception {
    Repositories repos = new Repositories(fetcher(false, Optional.empty()));
    Keyring keys = Keyring.load(List.of(repoRoot.resolve("melange.rsa.pub")));
    assertThat(repos.loadIndexes(List.of(Repository.parse(repoRoot.toString())), "riscv64", keys, true)).isEmpty();
    List<RepositoryIndex> found =
        repos.loadIndexes(
            List.of(Repository.parse("./no-such-repo"), Repository.parse(repoRoot.toString())), "x86_64", keys, true);
    assertThat(found).extracting(i -> i.repository().url()).containsExactly(repoRoot.toString());
  }

  @Test
  void aRefusedConnectionNamesTheHostAndTheCause() throws Exception {
    // A socket bound but not listening: connections to its port are refused, and nobody else can take the port.
    try (java.nio.channels.SocketChannel held = java.nio.channels.SocketChannel.open()) {
      held.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
      int port = ((java.net.InetSocketAddress) held.getLocalAddress()).getPort();
      Fetcher f = new Fetcher(new Fetcher.Options(dir, Optional.empty(), false, Duration.ofSeconds(5), 1,
          Optional.empty()));

      assertThatThrownBy(() -> f.fetchBytes("http://127.0.0.1:" + port + "/x86_64/APKINDEX.tar.gz", 1000))
          .isInstanceOf(FetchException.class)
          .hasMessageContaining("cannot connect to 127.0.0.1:" + port + " (ConnectException")
          .hasMessageNotContaining("null");
    }
    assertThat(Fetcher.describe(java.net.URI.create("https://no-such-host.invalid/x"),
        new java.net.ConnectException(null) {
          @Override
          public synchronized Throwable getCause() {
            return new java.net.UnknownHostException("no-such-host.invalid");
          }
        })).isEqualTo("cannot resolve host no-such-host.invalid (no network, or no such host)");
  }

  @Test
  void refusesResponsesOverTheSizeLimit() {
    Fetcher f = fetcher(false, Optional.empty());
    assertThatThrownBy(() -> f.fetchBytes(server.url() + "/x86_64/APKINDEX.tar.gz", 100))
        .hasMessageContaining("larger than the limit of 100 bytes");
    assertThatThrownBy(() -> f.fetchToFile(server.url() + "/x86_64/replayout-1.0.0-r0.apk", dir.resolve("x.apk"), 100))
        .hasMessageContaining("larger than the limit");
    assertThat(dir.resolve("x.apk")).doesNotExist();
  }

  @Test
  void packageStoreFetchesVerifiesCachesAndHealsBadCacheEntries() throws Exception {
    Repositories repos = new Repositories(fetcher(false, Optional.empty()));
    List<RepositoryIndex> idx = repos.loadIndexes(List.of(Repository.parse(server.url())), "x86_64", keyring(repos), true);
    Resolution r = new Resolver("x86_64", idx).resolve(List.of("replayout"));
    MemoryTier tier = new MemoryTier();
    DiskBlobCache disk = new DiskBlobCache(dir.resolve("pkgs"));
    PackageStore store = new PackageStore(repos.fetcher(), disk, List.of(tier));

    List<ApkPackage> got = store.getAll(r.packages(), 4);
    assertThat(got).extracting(p -> p.info().name()).containsExactly("pretend-baselayout", "replayout");
    assertThat(tier.entries).hasSize(2);
    int fetches = server.requests.size();

    // A corrupt local entry and a corrupt tier entry: both dropped, the package fetched again and verified.
    ResolvedPackage replayout = r.packages().get(1);
    BlobKey key = PackageStore.key(replayout.info());
    byte[] good = Files.readAllBytes(disk.file(key));
    byte[] bad = good.clone();
    bad[bad.length - 10] ^= 1;
    Files.write(disk.file(key), bad);
    tier.entries.put(key.value(), bad);
    ApkPackage healed = store.get(replayout);
    assertThat(healed.checksum()).isEqualTo(replayout.info().checksum().orElseThrow());
    assertThat(server.requests).hasSize(fetches + 1);
    assertThat(tier.removed).contains(key.value());
    assertThat(Files.readAllBytes(disk.file(key))).isEqualTo(good);

    // Served from the tier alone when the disk copy is gone.
    Files.delete(disk.file(key));
    store.get(replayout);
    assertThat(server.requests).hasSize(fetches + 1);
  }

  @Test
  void refusesATamperedPackageFromTheRepositoryNamingIt() throws Exception {
    Path copy = dir.resolve("repo");
    for (String f : List.of("x86_64/APKINDEX.tar.gz", "x86_64/pretend-baselayout-1.0.0-r0.apk")) {
      Files.createDirectories(copy.resolve(f).getParent());
      Files.copy(repoRoot.resolve(f), copy.resolve(f));
    }
    byte[] apk = Files.readAllBytes(copy.resolve("x86_64/pretend-baselayout-1.0.0-r0.apk"));
    apk[apk.length - 30] ^= 4;
    Files.write(copy.resolve("x86_64/pretend-baselayout-1.0.0-r0.apk"), apk);
    Repositories repos = new Repositories(fetcher(false, Optional.empty()));
    Keyring keys = Keyring.load(List.of(repoRoot.resolve("melange.rsa.pub")));
    List<RepositoryIndex> idx = repos.loadIndexes(List.of(Repository.parse(copy.toString())), "x86_64", keys, true);
    ResolvedPackage p = new Resolver("x86_64", idx).resolve(List.of("pretend-baselayout")).packages().get(0);
    DiskBlobCache disk = new DiskBlobCache(dir.resolve("pkgs"));
    PackageStore store = new PackageStore(repos.fetcher(), disk, List.of());
    assertThatThrownBy(() -> store.get(p))
        .isInstanceOf(PackageVerificationException.class)
        .hasMessageContaining("pretend-baselayout-1.0.0-r0");
    try (var files = Files.list(disk.dir())) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void fetchesLockedPackagesByUrlAndChecksum() throws Exception {
    LockFile lock = LockFile.read(Fixtures.apkoCli().resolve("testdata/apko.lock.json"));
    PackageStore store =
        new PackageStore(new Fetcher(Fetcher.Options.defaults(Fixtures.apkoCli(), Optional.empty())),
            new DiskBlobCache(dir.resolve("pkgs")), List.of());
    for (LockFile.Pkg p : lock.packages("aarch64")) {
      ApkPackage pkg = store.get(p.toPackageInfo(), p.url());
      assertThat(pkg.layout().data().checksum()).isEqualTo(p.data().checksum());
      assertThat(pkg.layout().control().range()).isEqualTo(p.control().range());
    }
  }

  @Test
  void lockRefusesAChangedConfig() throws Exception {
    LockFile lock = LockFile.read(Fixtures.apkoCli().resolve("testdata/apko.lock.json"));
    lock.requireConfigChecksum("apko.lock.json", "apko.yaml", "sha256-eal7+HCFuOLz/8m3vNO5cYyNK0Zw7AphCcsc76TbTXg=");
    assertThatThrownBy(() -> lock.requireConfigChecksum("apko.lock.json", "apko.yaml", "sha256-other"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("apko.lock.json")
        .hasMessageContaining("apko.yaml");
  }

  /** A cache tier in memory: the farm's Hazelcast tier stands here. */
  private static final class MemoryTier implements BlobCache {
    final Map<String, byte[]> entries = new ConcurrentHashMap<>();
    final List<String> removed = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Optional<InputStream> open(BlobKey key) {
      return Optional.ofNullable(entries.get(key.value())).map(ByteArrayInputStream::new);
    }

    @Override
    public void put(BlobKey key, InputStream content) throws IOException {
      entries.put(key.value(), content.readAllBytes());
    }

    @Override
    public void remove(BlobKey key) {
      entries.remove(key.value());
      removed.add(key.value());
    }
  }
}
