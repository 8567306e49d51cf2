package dev.apkofarm.worker.pipeline;

import dev.apkofarm.cluster.cache.HazelcastBlobCache;
import dev.apkofarm.cluster.engine.EngineCodec;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.Fetcher;
import dev.apkofarm.core.apk.PackageStore;
import dev.apkofarm.core.build.ArchBuilder;
import dev.apkofarm.core.build.BuildOptions;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.build.LockedPackage;
import dev.apkofarm.core.build.PackageSource;
import dev.apkofarm.core.build.StorePackageSource;
import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.install.PackageArchive;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.oci.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-arch build on core's engine: packages come from the worker's disk cache, then the farm's Hazelcast tier,
 * then the repository (each verified, a bad cache entry dropped and refetched, see {@link PackageStore}); the arch is
 * built by {@link ArchBuilder} into the worker's blob directory, from where the agent uploads it.
 */
public final class CoreTaskExecutor implements TaskExecutor.Factory {
  private static final Logger log = LoggerFactory.getLogger(CoreTaskExecutor.class);

  @Override
  public TaskExecutor create(BlobCache cache, Path workDir) {
    return new Executor(cache, workDir);
  }

  private static final class Executor implements TaskExecutor {
    private final BlobCache cache;
    private final Path workDir;
    private final ExecutorService fetchPool = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "fetch");
      t.setDaemon(true);
      return t;
    });

    Executor(BlobCache cache, Path workDir) {
      this.cache = cache;
      this.workDir = workDir;
    }

    @Override
    public BuiltTask execute(AssignedTask task, ProgressSink progress) throws Exception {
      EngineCodec.LockedArch locked = EngineCodec.decodeLocked(task.lockedConfig(), workDir);
      Path cacheDir = workDir.resolve("engine-cache");
      DiskBlobCache disk = new DiskBlobCache(cacheDir.resolve("packages"));
      PackageStore store = new PackageStore(
          new Fetcher(Fetcher.Options.defaults(workDir, Optional.of(cacheDir))), disk, List.of(cache));
      DirectoryBlobStore out = new DirectoryBlobStore(workDir.resolve("blobs"));
      Files.createDirectories(workDir.resolve("scratch"));
      Path scratch = Files.createTempDirectory(workDir.resolve("scratch"), "task-");
      List<LockedPackage> packages = locked.image().packages(locked.arch());
      AtomicLong opened = new AtomicLong();
      AtomicLong fetched = new AtomicLong();
      AtomicLong cached = new AtomicLong();
      Map<BuildStage, Long> nanos = new EnumMap<>(BuildStage.class);
      BuildOptions options = BuildOptions.defaults(task.image() + ":latest")
          .withSourceDateEpoch(task.sourceDateEpoch() == null ? Optional.empty()
              : Optional.of(Instant.ofEpochSecond(task.sourceDateEpoch())));
      long start = System.nanoTime();
      BuiltArch built;
      try (StorePackageSource source = new StorePackageSource(store, scratch)) {
        AtomicLong firstFetch = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastFetch = new AtomicLong();
        PackageSource counting = pkg -> {
          firstFetch.accumulateAndGet(System.nanoTime(), Math::min);
          boolean local = Files.exists(disk.file(key(pkg)));
          boolean shared = !local && cache instanceof HazelcastBlobCache h && h.contains(key(pkg));
          PackageArchive a = source.open(pkg);
          (local || shared ? cached : fetched).incrementAndGet();
          progress.progress(BuildStage.FETCH, opened.incrementAndGet(), packages.size(), pkg.toString());
          lastFetch.accumulateAndGet(System.nanoTime(), Math::max);
          return a;
        };
        progress.progress(BuildStage.FETCH, 0, packages.size(), "");
        built = new ArchBuilder(fetchPool, w -> log.warn("{}: {}", task, w))
            .build(locked.image(), locked.arch(), counting, options, out);
        long fetch = lastFetch.get() > 0 ? lastFetch.get() - Math.min(firstFetch.get(), lastFetch.get()) : 0;
        nanos.put(BuildStage.FETCH, fetch);
        nanos.put(BuildStage.LAYER, System.nanoTime() - start - fetch); // install, finish, tar, gzip
      } finally {
        deleteTree(scratch);
      }
      progress.progress(BuildStage.LAYER, built.layers().size(), built.layers().size(), built.manifest().digest().toString());
      Map<String, Path> files = new LinkedHashMap<>();
      List<Descriptor> extra = new ArrayList<>();
      for (Descriptor d : built.imageBlobs()) {
        files.put(d.digest().toString(), out.path(d.digest()));
      }
      // The arch's SBOM is not part of an OCI layout of the image (as `build` writes it); a push attaches it.
      built.sbom().ifPresent(d -> files.put(d.digest().toString(), out.path(d.digest())));
      List<Descriptor> layers = built.layers().stream().map(Layer::blob).toList();
      return new BuiltTask(built.manifest().withPlatform(Platform.of(locked.arch())), built.config(), layers, extra,
          built.sbom(), files, nanos, fetched.get(), cached.get(), EngineCodec.encodeBuilt(built));
    }

    private static BlobKey key(LockedPackage p) throws BadInputException {
      if (!p.checksum().startsWith("Q1")) {
        throw new BadInputException(p + ": checksum is not Q1+base64 SHA-1: " + p.checksum());
      }
      return new BlobKey("apk:" + HexFormat.of().formatHex(Base64.getDecoder().decode(p.checksum().substring(2))));
    }

    private static void deleteTree(Path p) throws IOException {
      if (!Files.exists(p)) {
        return;
      }
      try (var s = Files.walk(p)) {
        for (Path x : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(x);
        }
      }
    }
  }
}
