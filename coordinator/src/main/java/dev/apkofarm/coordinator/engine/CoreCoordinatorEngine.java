package dev.apkofarm.coordinator.engine;

import dev.apkofarm.cluster.engine.EngineCodec;
import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.scheduler.IndexStep;
import dev.apkofarm.coordinator.scheduler.LockStep;
import dev.apkofarm.coordinator.scheduler.LockedImage;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.Fetcher;
import dev.apkofarm.core.apk.Locker;
import dev.apkofarm.core.apk.PackageStore;
import dev.apkofarm.core.apk.Repositories;
import dev.apkofarm.core.build.BuildOptions;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.build.BuiltImage;
import dev.apkofarm.core.build.ImageLocker;
import dev.apkofarm.core.build.IndexAssembler;
import dev.apkofarm.core.build.LockedPackage;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.LoadedConfig;
import dev.apkofarm.core.oci.BlobSink;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.registry.ImageRef;
import dev.apkofarm.core.registry.PublishKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The coordinator's steps on core's engine: parse and validate a config (files a client shipped laid out as an
 * input tree), lock it for all its archs at once with {@link ImageLocker}, seed the package cache with the locked
 * packages of local repositories (workers elsewhere cannot read them), and assemble the index with
 * {@link IndexAssembler} from what the workers built; with {@code --push}, compute the publish key and ask the
 * registry whether the image is unchanged before building, and publish it after ({@link RegistryPublishing}).
 */
public final class CoreCoordinatorEngine implements CoordinatorEngine.Factory {
  @Override
  public CoordinatorEngine create(CoordinatorEngine.Context context) {
    Engine e = new Engine(context);
    return new CoordinatorEngine() {
      @Override
      public LockStep lockStep() {
        return e;
      }

      @Override
      public IndexStep indexStep() {
        return e;
      }
    };
  }

  private static final class Engine implements LockStep, IndexStep {
    private final CoordinatorEngine.Context ctx;
    private final RegistryPublishing registry;

    Engine(CoordinatorEngine.Context ctx) {
      this.ctx = ctx;
      this.registry = new RegistryPublishing(ctx.registry(), ctx.store());
    }

    private Path dirOf(ImageSource source) throws BadInputException, IOException {
      if (source.files().isEmpty()) {
        return ctx.workDir();
      }
      return InputTree.materialise(ctx.store(), ctx.dataDir().resolve("inputs"), source.fileName(), source.files());
    }

    private LoadedConfig load(ImageSource source, Path dir) throws BadInputException {
      return new ConfigLoader(dir).parse(source.fileName(), source.configYaml());
    }

    @Override
    public void validate(ImageSource source) throws BadInputException {
      try {
        load(source, dirOf(source));
      } catch (IOException e) {
        throw new BadInputException(source.fileName() + ": " + e.getMessage(), e);
      }
    }

    @Override
    public LockedImage lock(ImageSource source, List<Arch> archOverride, BuildSettings settings)
        throws BadInputException, IOException {
      Path dir = dirOf(source);
      LoadedConfig loaded = load(source, dir);
      List<Arch> archs = !archOverride.isEmpty() ? archOverride
          : !loaded.config().archs().isEmpty() ? Arch.sorted(loaded.config().archs()) : Arch.parseAll(List.of("all"));
      Path cacheDir = ctx.dataDir().resolve("engine-cache");
      Repositories repos = new Repositories(new Fetcher(Fetcher.Options.defaults(dir, Optional.of(cacheDir))));
      PackageStore store = new PackageStore(repos.fetcher(), new DiskBlobCache(cacheDir.resolve("packages")),
          List.of(ctx.cache()));
      Locker locker = new Locker(repos, store, Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
      dev.apkofarm.core.build.LockedImage locked =
          new ImageLocker(locker, repos).lock(loaded, ImageLocker.Request.of(archs, settings.annotations()));
      seedLocalPackages(locked, repos.fetcher());
      Map<Arch, byte[]> perArch = new LinkedHashMap<>();
      for (Arch a : locked.archList()) {
        perArch.put(a, EngineCodec.encodeLocked(source.fileName(), locked, a));
      }
      int packages = locked.packages(locked.archList().get(0)).size();
      Optional<ImageRef> target = settings.pushReference(source.name());
      if (target.isEmpty()) {
        return new LockedImage(perArch, packages);
      }
      PublishKey key = RegistryPublishing.key(locked, target.get(), settings);
      return new LockedImage(perArch, packages, Optional.of(key.toString()),
          registry.findUnchanged(target.get(), key));
    }

    /** Packages of local repositories go into the shared cache: a worker on another machine finds them there. */
    private void seedLocalPackages(dev.apkofarm.core.build.LockedImage locked, Fetcher fetcher) throws IOException {
      for (Arch a : locked.archList()) {
        for (LockedPackage p : locked.packages(a)) {
          if (p.url().startsWith("http://") || p.url().startsWith("https://")) {
            continue;
          }
          BlobKey key = new BlobKey("apk:" + HexFormat.of().formatHex(Base64.getDecoder().decode(p.checksum().substring(2))));
          Optional<InputStream> present = ctx.cache().open(key);
          if (present.isPresent()) {
            present.get().close();
            continue;
          }
          Path file = fetcher.localPath(p.url());
          if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
              ctx.cache().put(key, in);
            }
          }
        }
      }
    }

    @Override
    public BlobRef assemble(String image, List<BuildResult> perArch, byte[] lockedConfig, BuildSettings settings)
        throws IOException {
      try {
        BuiltImage index = assembleIndex(image, perArch, lockedConfig, settings);
        return BlobRef.from(index.index());
      } catch (BadInputException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public Published publish(PublishRequest request) throws IOException {
      ImageRef target = request.settings().pushReference(request.image()).orElseThrow(
          () -> new IllegalArgumentException("job of image " + request.image() + " is not pushing"));
      BuiltImage built;
      try {
        // Assembled again from the same inputs (deterministic, cheap): the publish needs the index SBOM too.
        built = assembleIndex(request.image(), request.perArch(), request.lockedConfig(), request.settings());
      } catch (BadInputException e) {
        throw new IOException(e.getMessage(), e);
      }
      if (!built.index().digest().toString().equals(request.index().digest())) {
        throw new IOException("index of " + request.image() + " assembled as " + built.index().digest()
            + ", not " + request.index().digest());
      }
      PublishKey key = new PublishKey(Digest.parse(request.publishKey()));
      return new Published(target.toString(), registry.publish(target, built, key));
    }

    private BuiltImage assembleIndex(String image, List<BuildResult> perArch, byte[] lockedConfig,
        BuildSettings settings) throws BadInputException, IOException {
      EngineCodec.LockedArch any = EngineCodec.decodeLocked(lockedConfig, ctx.workDir());
      List<BuiltArch> built = new ArrayList<>();
      for (BuildResult r : perArch) {
        built.add(EngineCodec.decodeBuilt(r.engineResult()));
      }
      // Purls name the image by the last component of the reference, the same as PREFIX/<image>:<tag> when pushing.
      BuildOptions options = RegistryPublishing.buildOptions(image + ":latest", settings);
      return IndexAssembler.assemble(any.image(), built, options, new StoreSink(ctx.store()));
    }
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
