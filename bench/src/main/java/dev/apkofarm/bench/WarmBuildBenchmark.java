package dev.apkofarm.bench;

import dev.apkofarm.core.apk.lock.Locker;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.build.BuildOptions;
import dev.apkofarm.core.build.BuiltImage;
import dev.apkofarm.core.build.ImageBuilder;
import dev.apkofarm.core.build.ImageLocker;
import dev.apkofarm.core.build.LockedImage;
import dev.apkofarm.core.build.StorePackageSource;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.LoadedConfig;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.testing.ApkoGolden;
import dev.apkofarm.core.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
 * A warm in-process build of apko's golden config for amd64 and arm64: load the config, lock both archs (signed
 * index read and verified, resolution), install the cached packages, finish, write layers, configs, manifests,
 * SBOMs and the index. Needs {@code -Dapkofarm.fixtures}; run through {@code scripts/bench-image}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WarmBuildBenchmark {
  private TemporaryDirectory dir;
  private Path cli;
  private Repositories repos;
  private PackageStore store;
  private StorePackageSource packages;
  private ExecutorService fetchPool;
  private DirectoryBlobStore blobs;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = TemporaryDirectory.create("warm-build");
    cli = Fixtures.apkoCli();
    repos = new Repositories(new Fetcher(Fetcher.Options.defaults(cli, Optional.of(dir.path().resolve("cache")))));
    store = new PackageStore(repos.fetcher(), new DiskBlobCache(dir.path().resolve("cache/packages")), List.of());
    packages = new StorePackageSource(store, dir.path().resolve("scratch"));
    fetchPool = Executors.newFixedThreadPool(4);
    blobs = new DirectoryBlobStore(dir.path().resolve("blobs"));
    goldenBothArchs();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    fetchPool.shutdownNow();
    packages.close();
    dir.close();
  }

  @Benchmark
  public BuiltImage goldenBothArchs() throws Exception {
    LoadedConfig loaded = new ConfigLoader(cli).load(ApkoGolden.CONFIG);
    LockedImage image =
        new ImageLocker(new Locker(repos, store, 4), repos)
            .lock(loaded, ImageLocker.Request.of(List.of(Arch.AMD64, Arch.ARM64), ApkoGolden.annotations()));
    return new ImageBuilder(fetchPool, w -> {})
        .build(image, packages, BuildOptions.defaults(ApkoGolden.REFERENCE), blobs);
  }
}
