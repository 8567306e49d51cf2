package dev.apkofarm.worker.pipeline;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.contract.ArchTask;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.PackageOrigin;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.build.ArchBuilder;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.build.LockedPackage;
import dev.apkofarm.core.build.PackageSource;
import dev.apkofarm.core.build.StorePackageSource;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.install.PackageArchive;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.BlobSink;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.oci.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
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
 * The per-arch build on core's engine. The task is decoded from its typed message and its build key checked (a
 * mismatch means this worker would build other bytes than the coordinator expects). Packages come from the worker's
 * disk cache, then the farm's shared cache (small ones from Hazelcast, large ones streamed from the disk of the worker
 * that has them), then their origin: the repository URL when remote, the coordinator's blob store (by digest) when
 * from a local repository — a worker never opens a path it was sent. One worker of the farm fetches a package from
 * its origin while the others that need it wait and take it from the cache (its claims). Every package is verified
 * whatever tier it came from (see {@link PackageStore}). The arch is built by {@link ArchBuilder} into the
 * worker's blob directory, from where it is delivered.
 */
public final class CoreTaskExecutor implements TaskExecutor {
  private static final Logger log = LoggerFactory.getLogger(CoreTaskExecutor.class);
  /** The largest package a worker takes (as a local build: {@link PackageStore}'s default). */
  private static final long MAX_PACKAGE = 4L << 30;

  private final Context ctx;
  private final ExecutorService fetchPool = Executors.newFixedThreadPool(8, r -> {
    Thread t = new Thread(r, "fetch");
    t.setDaemon(true);
    return t;
  });

  /** Where a worker with work directory {@code workDir} keeps the verified packages it fetched (by cache key). */
  public static Path packageCache(Path workDir) {
    return workDir.resolve("engine-cache").resolve("packages");
  }

  public CoreTaskExecutor(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public BuiltTask execute(AssignedTask assigned, ProgressSink progress) throws Exception {
    ArchTask task = ArchTask.fromMessage(assigned.locked());
    String key = task.buildKey().toString();
    if (!key.equals(assigned.buildKey())) {
      throw new BadInputException(assigned + ": its build key here is " + key + ", the coordinator's "
          + assigned.buildKey() + " (coordinator and worker disagree on the task's content: versions differ?)");
    }
    Path cacheDir = ctx.workDir().resolve("engine-cache");
    DiskBlobCache disk = new DiskBlobCache(packageCache(ctx.workDir()));
    PackageStore store = new PackageStore(new Fetcher(Fetcher.Options.defaults(ctx.workDir(), Optional.of(cacheDir))),
        disk, List.of(ctx.cache()), ctx.cache(), MAX_PACKAGE);
    DirectoryBlobStore out = new DirectoryBlobStore(ctx.workDir().resolve("blobs"));
    // Without a push, every blob also streams to the coordinator while it is written (see StreamingSink); the job's
    // client may follow the first, the layer, as it arrives there.
    String followKey = BlobTransfer.followKey(assigned.jobId(), assigned.locked().getImage(),
        assigned.locked().getArch(), assigned.ref().attempt());
    BlobSink sink = assigned.pushRepository().isEmpty()
        ? new StreamingSink(out, ctx.coordinator(), assigned.toString(), followKey) : out;
    List<LockedPackage> packages = task.packages();
    AtomicLong opened = new AtomicLong();
    AtomicLong fetched = new AtomicLong();
    AtomicLong cached = new AtomicLong();
    Map<BuildStage, Long> nanos = new EnumMap<>(BuildStage.class);
    long start = System.nanoTime();
    BuiltArch built;
    Files.createDirectories(ctx.workDir().resolve("scratch"));
    try (TemporaryDirectory scratch = TemporaryDirectory.of(
            Files.createTempDirectory(ctx.workDir().resolve("scratch"), "task-"));
        StorePackageSource source = new StorePackageSource(store, p -> origin(task, p), scratch.path())) {
      AtomicLong lastFetch = new AtomicLong(start);
      AtomicLong installed = new AtomicLong();
      PackageSource counting = pkg -> {
        boolean local = Files.exists(disk.file(pkg.cacheKey()));
        boolean shared = !local && ctx.cache().contains(pkg.cacheKey());
        PackageArchive a = source.open(pkg);
        (local || shared ? cached : fetched).incrementAndGet();
        progress.progress(BuildStage.FETCH, opened.incrementAndGet(), packages.size(), pkg.toString());
        lastFetch.accumulateAndGet(System.nanoTime(), Math::max);
        return a;
      };
      progress.progress(BuildStage.FETCH, 0, packages.size(), "");
      built = new ArchBuilder(fetchPool, w -> log.warn("{}: {}", assigned, w), () -> installed.set(System.nanoTime()))
          .build(task.locked(), task.arch(), counting, task.options(), sink);
      // Stages as they end: fetch (with verifying and expanding) until the last package is in hand, install (and
      // finish the tree) after that, then layer (tar, gzip, config, manifest, SBOM).
      long end = System.nanoTime();
      long inHand = lastFetch.get();
      long tree = Math.max(installed.get(), inHand);
      nanos.put(BuildStage.FETCH, inHand - start);
      nanos.put(BuildStage.INSTALL, tree - inHand);
      nanos.put(BuildStage.LAYER, end - tree);
    }
    progress.progress(BuildStage.LAYER, built.layers().size(), built.layers().size(),
        built.manifest().digest().toString());
    BuiltArch withPlatform = new BuiltArch(built.arch(), built.manifest().withPlatform(Platform.of(task.arch())),
        built.config(), built.layers(), built.created(), built.sbom(), built.packages());
    Map<String, Path> files = new LinkedHashMap<>();
    List<Descriptor> blobs = new ArrayList<>(built.imageBlobs());
    built.sbom().ifPresent(blobs::add);
    for (Descriptor d : blobs) {
      files.put(d.digest().toString(), out.path(d.digest()));
    }
    return new BuiltTask(withPlatform, files, nanos, fetched.get(), cached.get());
  }

  /**
   * Where a package comes from when no cache has it: the coordinator's store for a local repository's, the
   * repository for a remote one. A local path in a task names the submitter's filesystem, never this worker's.
   */
  private PackageOrigin origin(ArchTask task, LockedPackage p) throws BadInputException {
    Optional<ArchTask.StoredPackage> stored = task.storedCopy(p);
    if (stored.isPresent()) {
      return new PackageOrigin.Content(stored.get().digest(), stored.get().size(),
          digest -> ctx.coordinator().open(digest.toString()));
    }
    if (p.remote()) {
      return new PackageOrigin.Location(p.url());
    }
    throw new BadInputException("package " + p + " is from a local repository (" + p.repository()
        + ") and the coordinator stored no copy: a worker does not read paths it is sent");
  }
}
