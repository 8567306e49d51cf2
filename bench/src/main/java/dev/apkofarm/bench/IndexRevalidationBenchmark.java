package dev.apkofarm.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.IndexCache;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.apk.repo.RepositoryIndex;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.testing.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What looking at an unchanged repository costs a lock, over real HTTP on loopback (a JDK server answering ETags as a
 * CDN does) with the real Alpine 3.16 x86_64 index (655 KB, 4,929 packages, RSA-signed): fetched for the first time
 * (download, signature check, decompression, parse), revalidated with only the disk cache's ETag (a 304, then the
 * cached copy verified and parsed again: what every lock paid before issue 15, and what one-shot commands still pay),
 * and revalidated with the coordinator's {@link IndexCache} (one 304, nothing else), over a new connection and over the
 * kept one of the coordinator's fetcher. scripts/bench-registry prints the ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class IndexRevalidationBenchmark {
  private static final String ETAG = "\"alpine-316-x86_64\"";

  private TemporaryDirectory dir;
  private HttpServer server;
  private byte[] index;
  private Keyring keyring;
  private Repository repository;
  private Fetcher.Options withDiskCache;
  private IndexCache cache;
  private Fetcher keptFetcher;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong notModified = new AtomicLong();

  @Setup(Level.Trial)
  public void start() throws Exception {
    index = Files.readAllBytes(Fixtures.apko("apk/alpine-316/APKINDEX.tar.gz"));
    keyring =
        Keyring.load(List.of(Fixtures.apko("apk/alpine-316/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub")));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::serve);
    server.start();
    repository = Repository.parse("http://127.0.0.1:" + server.getAddress().getPort() + "/alpine");
    dir = TemporaryDirectory.create("index-revalidation");
    Path cacheDir = dir.path().resolve("cache");
    withDiskCache = new Fetcher.Options(dir.path(), Optional.of(cacheDir), false, Duration.ofSeconds(10), 1,
        Optional.empty());
    cache = new IndexCache(8);
    keptFetcher = new Fetcher(withDiskCache);
    // The disk and the memory cache hold it now.
    new Repositories(new Fetcher(withDiskCache), Limits.DEFAULTS, Optional.of(cache))
        .loadIndexes(List.of(repository), "x86_64", keyring, true);
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    server.stop(0);
    dir.close();
    System.out.printf("%nrequests served: %d, of them 304 Not Modified: %d%n", requests.get(), notModified.get());
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      requests.incrementAndGet();
      ex.getResponseHeaders().set("ETag", ETAG);
      if (ETAG.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
        notModified.incrementAndGet();
        ex.sendResponseHeaders(304, -1);
        return;
      }
      ex.sendResponseHeaders(200, index.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(index);
      }
    }
  }

  /** The first lock that sees the repository: download, verify, decompress, parse. */
  @Benchmark
  public List<RepositoryIndex> firstFetch() throws Exception {
    Fetcher f = new Fetcher(new Fetcher.Options(dir.path(), Optional.empty(), false, Duration.ofSeconds(10), 1,
        Optional.empty()));
    return new Repositories(f).loadIndexes(List.of(repository), "x86_64", keyring, true);
  }

  /** Unchanged, with the disk cache's ETag only: a 304, then the cached copy read, verified and parsed again. */
  @Benchmark
  public List<RepositoryIndex> unchangedDiskCacheOnly() throws Exception {
    return new Repositories(new Fetcher(withDiskCache)).loadIndexes(List.of(repository), "x86_64", keyring, true);
  }

  /** Unchanged, with the index cache and a new fetcher (a new HTTP client, a new connection): one 304. */
  @Benchmark
  public List<RepositoryIndex> unchangedIndexCacheNewConnection() throws Exception {
    return new Repositories(new Fetcher(withDiskCache), Limits.DEFAULTS, Optional.of(cache))
        .loadIndexes(List.of(repository), "x86_64", keyring, true);
  }

  /** Unchanged, as the coordinator's engine checks it: the index cache and a kept fetcher (its connection): one 304. */
  @Benchmark
  public List<RepositoryIndex> unchangedIndexCache() throws Exception {
    return new Repositories(keptFetcher, Limits.DEFAULTS, Optional.of(cache))
        .loadIndexes(List.of(repository), "x86_64", keyring, true);
  }
}
