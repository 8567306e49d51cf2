package dev.apkofarm.coordinator.engine;

import dev.apkofarm.cluster.contract.ArchTask;
import dev.apkofarm.cluster.contract.ArchTask.StoredPackage;
import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildResults;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.scheduler.ImageLock;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.IndexCache;
import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.lock.Locker;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.apk.lock.Locker;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.build.BuildOptions;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.build.BuiltImage;
import dev.apkofarm.core.build.ImageLocker;
import dev.apkofarm.core.build.IndexAssembler;
import dev.apkofarm.core.build.LockedImage;
import dev.apkofarm.core.build.LockedPackage;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.LoadedConfig;
import dev.apkofarm.core.oci.BlobSink;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.registry.ImageRef;
import dev.apkofarm.core.registry.PublishKey;
import dev.apkofarm.proto.v1.LockedArch;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The coordinator's steps on core's engine. Lock: parse the config (once per submission: {@link #validate} keeps
 * what it parsed for the lock), resolve all its archs at once with {@link ImageLocker}, put the .apk of every package
 * from a local repository into the blob store (a worker elsewhere cannot read that repository; what a client shipped
 * is there already), and make one typed {@link ArchTask} per arch with core's build key. Index: assemble the OCI
 * index with {@link IndexAssembler} from the workers' built archs and the task they built; with {@code --push}, the
 * publish key and the unchanged check before building and the publication after ({@link RegistryPublishing}).
 */
public final class CoreCoordinatorEngine implements CoordinatorEngine {
  /**
   * How long after its lock a shipped package's upload may take to begin (its client starts every upload before it
   * submits; this covers a submission that overtook them) before the workers waiting for it give up.
   */
  static final java.time.Duration UPLOAD_BEGINS = java.time.Duration.ofSeconds(60);

  private final Context ctx;
  private final RegistryPublishing registry;
  private final ParsedConfigs parsed = new ParsedConfigs(256);
  /** Indexes kept across locks: an unchanged repository costs each lock one conditional fetch, no parse. */
  private final IndexCache indexes = new IndexCache(32);
  /**
   * Fetchers by their options (the working directory, the farm's own or a shipped input tree, is what varies),
   * bounded: a kept fetcher keeps its HTTP client's connections, so a lock's conditional requests do not each open one.
   */
  private final Map<Fetcher.Options, Fetcher> fetchers = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Fetcher.Options, Fetcher> eldest) {
          return size() > 64;
        }
      });
  /** Local packages stored by earlier locks (a registry front locks a config on every pull), bounded. */
  private final Map<LocalFile, StoredPackage> storedLocal = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<LocalFile, StoredPackage> eldest) {
          return size() > 4096;
        }
      });

  public CoreCoordinatorEngine(Context ctx) {
    this.ctx = ctx;
    this.registry = new RegistryPublishing(ctx.registry(), ctx.store());
  }

  /**
   * How the farm names and dates a build of image {@code reference}: the tasks' options, and (with the pushed
   * reference) what the publish key covers, as {@code apko-client publish} computes it.
   */
  static BuildOptions options(String reference, BuildSettings settings) {
    return BuildOptions.defaults(reference).withSourceDateEpoch(settings.epoch().isPresent()
        ? Optional.of(Instant.ofEpochSecond(settings.epoch().getAsLong())) : Optional.empty());
  }

  /**
   * The directory a config's local paths resolve against: the tree of the files its client shipped (an empty one when
   * it shipped none), the embedded farm's own working directory for a config without shipped files, or for the
   * registry front's own configs the directory the front was started in (the operator's; no client can ask for it).
   */
  private Path dirOf(ImageSource source) throws BadInputException, IOException {
    if (source.frontConfig()) {
      return ctx.frontDir().orElseThrow(() -> new BadInputException(source.fileName()
          + ": a config of a registry front, but this coordinator serves none (restarted without --serve-registry?)"));
    }
    if (source.files().isEmpty() && ctx.localDir().isPresent()) {
      return ctx.localDir().get();
    }
    return InputTree.materialise(ctx.store(), ctx.dataDir().resolve("inputs"), source.fileName(), source.files());
  }

  private LoadedConfig load(ImageSource source, Path dir) throws BadInputException {
    LoadedConfig loaded = new ConfigLoader(dir).parse(source.fileName(), source.configYaml());
    if (ctx.localDir().map(d -> !d.equals(dir)).orElse(true)) {
      confine(source, loaded, dir);
    }
    return source.packagesAppended().isEmpty() ? loaded : loaded.withPackagesAppended(source.packagesAppended());
  }

  /**
   * Refuses a config shipped to a farm whose local repositories or keys lie outside the files it shipped: the farm
   * reads nothing of its own filesystem for a client (a path like {@code /etc} would read the coordinator's). A
   * daemon's registry front locks its configs in its own directory the same way: nothing outside it is read.
   */
  private static void confine(ImageSource source, LoadedConfig loaded, Path dir) throws BadInputException {
    var c = loaded.config().contents();
    List<String> locations = new ArrayList<>(c.keyring());
    for (String r : concat(c.repositories(), c.buildRepositories())) {
      locations.add(Repository.parse(r).url());
    }
    Path root = dir.toAbsolutePath().normalize();
    for (String l : locations) {
      if (Fetcher.isRemote(l)) {
        continue;
      }
      Path p = l.startsWith("file://") ? Path.of(java.net.URI.create(l)) : root.resolve(l);
      if (!p.toAbsolutePath().normalize().startsWith(root)) {
        throw new BadInputException(source.fileName() + ": " + InputText.quote(l) + (source.frontConfig()
            ? " is a local path outside the directory the registry front was started in: a farm's front reads only"
                + " that directory (or remote repositories)"
            : " is a local path outside the files the client shipped: a farm reads only what a client sends it (or"
                + " remote repositories)"));
      }
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  @Override
  public void validate(ImageSource source) throws BadInputException {
    try {
      Path dir = dirOf(source);
      parsed.put(source, new ParsedConfigs.Parsed(dir, load(source, dir)));
    } catch (IOException e) {
      throw new BadInputException(source.fileName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ImageLock lock(ImageSource source, List<Arch> archOverride, BuildSettings settings)
      throws BadInputException, IOException {
    ParsedConfigs.Parsed p = parsed.take(source).orElse(null);
    if (p == null) { // validated by a coordinator before a restart: parse again
      Path dir = dirOf(source);
      p = new ParsedConfigs.Parsed(dir, load(source, dir));
    }
    LoadedConfig loaded = p.config();
    List<Arch> archs = loaded.config().archsToBuild(archOverride);
    Path cacheDir = ctx.dataDir().resolve("engine-cache");
    Repositories repos = new Repositories(fetcher(p.dir(), cacheDir), Limits.DEFAULTS, Optional.of(indexes));
    PackageStore store = new PackageStore(repos.fetcher(), new DiskBlobCache(cacheDir.resolve("packages")),
        List.of(ctx.cache()));
    Locker locker = new Locker(repos, store, Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
    LockedImage locked = new ImageLocker(locker, repos).lock(loaded, ImageLocker.Request.of(archs,
        settings.annotations()));
    Map<String, StoredPackage> stored = storeLocalPackages(source, locked, repos.fetcher(), p.dir());
    BuildOptions options = options(source.reference(), settings);
    Optional<String> push = settings.pushRepository(source.name()).map(Object::toString);
    Map<Arch, ImageLock.ArchTask> perArch = new LinkedHashMap<>();
    for (Arch a : locked.archList()) {
      ArchTask task = new ArchTask(source.name(), locked, a, options, push, stored);
      perArch.put(a, new ImageLock.ArchTask(task.toMessage().toByteArray(), task.buildKey().toString()));
    }
    int packages = locked.packages(locked.archList().get(0)).size();
    Optional<ImageRef> target = settings.pushReference(source.name());
    if (target.isEmpty()) {
      return new ImageLock(perArch, packages);
    }
    PublishKey key = RegistryPublishing.key(locked, target.get(), settings);
    return new ImageLock(perArch, packages, Optional.of(key.toString()), registry.findUnchanged(target.get(), key));
  }

  /** The kept fetcher for configs whose relative paths resolve against {@code dir}. */
  private Fetcher fetcher(Path dir, Path cacheDir) {
    return fetchers.computeIfAbsent(Fetcher.Options.defaults(dir, Optional.of(cacheDir)), Fetcher::new);
  }

  /**
   * Every locked package of a local repository, by checksum, as the blob store holds it: a file the client shipped
   * is there under the digest it was shipped with; one from the coordinator's own filesystem is put there now.
   */
  private Map<String, StoredPackage> storeLocalPackages(ImageSource source, LockedImage locked, Fetcher fetcher,
      Path dir) throws IOException, BadInputException {
    Map<String, StoredPackage> out = new LinkedHashMap<>();
    for (Arch a : locked.archList()) {
      for (LockedPackage pkg : locked.packages(a)) {
        if (pkg.remote() || out.containsKey(pkg.checksum())) {
          continue;
        }
        Path file = fetcher.localPath(pkg.url()).toAbsolutePath().normalize();
        String shipped = ctx.localDir().map(dir::equals).orElse(false) || !file.startsWith(dir) ? null
            : source.files().get(dir.relativize(file).toString().replace('\\', '/'));
        if (shipped != null && ctx.store().size(shipped).isPresent()) {
          out.put(pkg.checksum(), new StoredPackage(Digest.parse(shipped), ctx.store().size(shipped).getAsLong()));
        } else if (shipped != null && InputTree.isPackage(file.getFileName().toString())) {
          out.put(pkg.checksum(), arriving(pkg, shipped));
        } else {
          out.put(pkg.checksum(), store(file, pkg));
        }
      }
    }
    return out;
  }

  /**
   * A shipped package whose upload is still under way (or about to begin: the client sends a large package's bytes
   * after its submission, so the lock does not wait for them): named by its digest and the size its upload announced
   * (the index's before that); workers follow the upload as it arrives, and verify it.
   */
  private StoredPackage arriving(LockedPackage pkg, String digest) throws BadInputException {
    ctx.store().expect(digest, UPLOAD_BEGINS);
    long size = ctx.store().arrivingSize(digest).orElse(pkg.size());
    if (size <= 0) {
      throw new BadInputException("package " + pkg + ": the client shipped " + digest + " but has not uploaded it,"
          + " and the repository's index gives no size (S:) for it");
    }
    return new StoredPackage(Digest.parse(digest), size);
  }

  private StoredPackage store(Path file, LockedPackage pkg) throws IOException, BadInputException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new BadInputException("package " + pkg + ": " + pkg.url() + " does not exist", e);
    }
    LocalFile local = new LocalFile(file, pkg.checksum(), attributes.size(), attributes.lastModifiedTime(),
        attributes.fileKey());
    StoredPackage known = storedLocal.get(local);
    if (known != null && ctx.store().size(known.digest().toString()).orElse(-1) == known.size()) {
      return known; // stored by an earlier lock, unchanged since: no need to read it again
    }
    MessageDigest sha = Digest.newSha256();
    long size;
    try (InputStream in = Files.newInputStream(file)) {
      size = in.transferTo(new java.security.DigestOutputStream(OutputStream.nullOutputStream(), sha));
    } catch (NoSuchFileException e) {
      throw new BadInputException("package " + pkg + ": " + pkg.url() + " does not exist", e);
    }
    Digest digest = Digest.sha256(sha.digest());
    try (InputStream in = Files.newInputStream(file)) {
      ctx.store().put(digest.toString(), size, in);
    }
    StoredPackage stored = new StoredPackage(digest, size);
    storedLocal.put(local, stored);
    return stored;
  }

  /**
   * A local package file as a lock saw it. With the index checksum of the package it was locked as (which binds its
   * control section, and so its data section): the same key is the same package whatever the file's times claim.
   */
  private record LocalFile(Path path, String checksum, long size, FileTime modified, Object fileKey) {
    // Written out: a record's own bootstrap through method handles on first use (docs/engineering.md, "Start-up").
    @Override
    public boolean equals(Object o) {
      return o instanceof LocalFile x && size == x.size && java.util.Objects.equals(path, x.path)
          && java.util.Objects.equals(checksum, x.checksum) && java.util.Objects.equals(modified, x.modified)
          && java.util.Objects.equals(fileKey, x.fileKey);
    }

    @Override
    public int hashCode() {
      int h = 31 * java.util.Objects.hashCode(path) + java.util.Objects.hashCode(checksum); // the record's formula
      h = 31 * h + Long.hashCode(size);
      h = 31 * h + java.util.Objects.hashCode(modified);
      return 31 * h + java.util.Objects.hashCode(fileKey);
    }
  }

  @Override
  public BlobRef assemble(String image, List<BuildResult> perArch, byte[] lockedArch, BuildSettings settings)
      throws IOException {
    return BlobRef.from(assembleIndex(perArch, lockedArch).index());
  }

  @Override
  public Published publish(PublishRequest request) throws IOException {
    ImageRef target = request.settings().pushReference(request.image()).orElseThrow(
        () -> new IllegalArgumentException("job of image " + request.image() + " is not pushing"));
    // Assembled again from the same inputs (deterministic, cheap): the publish needs the index SBOM too.
    BuiltImage built = assembleIndex(request.perArch(), request.lockedArch());
    if (!built.index().digest().toString().equals(request.index().digest())) {
      throw new IOException("index of " + request.image() + " assembled as " + built.index().digest()
          + ", not " + request.index().digest());
    }
    PublishKey key = new PublishKey(Digest.parse(request.publishKey()));
    return new Published(target.toString(), registry.publish(target, built, key));
  }

  @Override
  public java.util.Set<String> storedBlobs(byte[] lockedArch) {
    java.util.Set<String> out = new java.util.HashSet<>();
    try {
      for (dev.apkofarm.proto.v1.LockedPackage p : LockedArch.parseFrom(lockedArch).getPackagesList()) {
        if (p.hasContent()) {
          out.add(p.getContent().getDigest());
        }
      }
    } catch (InvalidProtocolBufferException e) {
      // unreadable: its task cannot be built or assembled anyway, and names nothing worth keeping
    }
    return out;
  }

  /** The index over the built archs, with the options and config of the task they were built from. */
  private BuiltImage assembleIndex(List<BuildResult> perArch, byte[] lockedArch) throws IOException {
    ArchTask task;
    try {
      task = ArchTask.fromMessage(LockedArch.parseFrom(lockedArch));
    } catch (InvalidProtocolBufferException | BadInputException e) {
      throw new IOException("stored task is unreadable: " + e.getMessage(), e);
    }
    List<BuiltArch> built = new ArrayList<>();
    for (BuildResult r : perArch) {
      built.add(BuildResults.toCore(r));
    }
    return IndexAssembler.assemble(task.locked(), built, task.options(), new StoreSink(ctx.store()));
  }

  /** The coordinator's blob store as the engine's sink (small blobs: the index and its SBOM). */
  private static final class StoreSink implements BlobSink {
    private final BlobStore store;

    StoreSink(BlobStore store) {
      this.store = store;
    }

    @Override
    public Pending create() {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      return new Pending() {
        @Override
        public OutputStream stream() {
          return buf;
        }

        @Override
        public Descriptor commit(String mediaType) throws IOException {
          byte[] b = buf.toByteArray();
          Digest d = Digest.of(b);
          store.put(d.toString(), b.length, new java.io.ByteArrayInputStream(b));
          return Descriptor.of(mediaType, d, b.length);
        }

        @Override
        public void close() {}
      };
    }
  }
}
