package dev.apkofarm.core.build;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.lock.BaseImageRefusal;
import dev.apkofarm.core.apk.pkg.PackageVerificationException;
import dev.apkofarm.core.base.BaseArch;
import dev.apkofarm.core.base.BaseLayers;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.image.Finisher;
import dev.apkofarm.core.install.ApkDatabase;
import dev.apkofarm.core.install.DataEntry;
import dev.apkofarm.core.install.InstalledPackage;
import dev.apkofarm.core.install.Installer;
import dev.apkofarm.core.install.PackageArchive;
import dev.apkofarm.core.oci.BlobSink;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.ImageManifest;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.oci.LayerWriter;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.oci.OwnerNames;
import dev.apkofarm.core.sbom.SbomTool;
import dev.apkofarm.core.sbom.SpdxWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Builds one arch of a locked image: the per-arch step the farm's workers run. Packages are fetched in parallel and
 * installed in order into a fresh {@link ImageTree}, the tree is finished in apko's order, written as layers, and the
 * config, manifest and SBOM are added to the blob sink. Deterministic: equal locked images and options give equal
 * bytes on any machine, whatever the thread timing.
 */
public final class ArchBuilder {
  private final ExecutorService fetchPool;
  private final Consumer<String> warnings;
  private final Runnable treeFinished;

  /**
   * @param fetchPool threads that fetch and expand packages (I/O and inflate; several per core is fine)
   * @param warnings receives notes for the user (missing /etc/passwd, ...)
   */
  public ArchBuilder(ExecutorService fetchPool, Consumer<String> warnings) {
    this(fetchPool, warnings, () -> { });
  }

  /**
   * @param installed told when every package is installed and the tree finished, before the layers are written (a
   *     farm worker times its stages with it)
   */
  public ArchBuilder(ExecutorService fetchPool, Consumer<String> warnings, Runnable installed) {
    this.fetchPool = fetchPool;
    this.warnings = warnings;
    this.treeFinished = installed;
  }

  /**
   * Builds {@code arch} of {@code image} and writes its blobs to {@code sink}. On a base image the base's layers are
   * copied into the sink unchanged (and checked) and the built layer goes on top, holding only what the base lacks.
   */
  public BuiltArch build(LockedImage image, Arch arch, PackageSource packages, BuildOptions options, BlobSink sink)
      throws BadInputException, IOException {
    ImageLocker.requireSupportedFormat(image.config(), "the locked image");
    List<LockedPackage> locked = image.packages(arch);
    ImageConfig config = image.configFor(arch);
    Optional<BaseArch> base = image.base().map(b -> b.arch(arch));
    long optionDate = options.sourceDateEpoch().map(Instant::getEpochSecond).orElse(0L);

    ImageTree tree = new ImageTree();
    ApkDatabase.init(tree, arch.apkName());
    ApkDatabase.writeKeys(tree, image.keyring());
    ApkDatabase.writeRepositories(tree, image.buildRepositories());
    List<String> world = new ArrayList<>(config.contents().packages());
    base.ifPresent(b -> world.addAll(b.pins()));
    ApkDatabase.writeWorld(tree, world);

    List<InstalledPackage> installed = install(tree, locked, packages, optionDate, options.limits(), base);
    // Everything the image's database lists: the base's packages, then the new ones (apko's GetInstalled).
    List<InstalledPackage> all = new ArrayList<>();
    base.ifPresent(b -> all.addAll(b.installed()));
    all.addAll(installed);
    long newest = 0;
    for (InstalledPackage p : all) {
      newest = Math.max(newest, p.meta().buildTime());
    }
    long builtTime = options.sourceDateEpoch().isPresent() ? optionDate : Math.max(optionDate, newest);
    Instant created = Instant.ofEpochSecond(builtTime);

    Finisher.Result finished = Finisher.finish(tree, config, all, image.runtimeRepositories(), builtTime);
    finished.warnings().forEach(w -> warnings.accept(arch + ": " + w));
    treeFinished.run();

    OwnerNames names = Finisher.ownerNames(tree);
    LayerWriter writer = new LayerWriter(options.gzip(), options.compressionPool(), options.compressionThreads());
    List<Layer> built;
    if (finished.config().layering().filter(l -> l.multiLayer()).isPresent()) {
      built = OriginLayering.write(tree, names, installed, finished.config().layering().get().budget(), writer, sink);
    } else {
      built = List.of(writer.write(tree, names, sink));
    }
    List<Layer> layers = new ArrayList<>();
    if (base.isPresent()) {
      layers.addAll(BaseLayers.copy(image.base().get(), base.get(), sink, options.limits().maxImageSize()));
    }
    layers.addAll(built);

    byte[] configJson;
    Map<String, String> manifestAnnotations = new TreeMap<>();
    if (base.isPresent()) {
      List<Digest> diffIds = new ArrayList<>();
      built.forEach(l -> diffIds.add(l.diffId()));
      configJson =
          base.get().configOnTop(finished.config(), diffIds, ImageJson.comment(finished.config(), built), created,
              ImageJson.annotations(finished.config(), created));
      manifestAnnotations.putAll(base.get().manifestAnnotations());
    } else {
      configJson = ImageJson.config(finished.config(), arch, built, created).toJson();
    }
    manifestAnnotations.putAll(ImageJson.annotations(finished.config(), created));
    Descriptor configBlob = sink.put(MediaType.OCI_CONFIG, configJson);
    List<Descriptor> layerBlobs = new ArrayList<>();
    layers.forEach(l -> layerBlobs.add(l.blob()));
    byte[] manifestJson = new ImageManifest(configBlob, layerBlobs, manifestAnnotations).toJson();
    Descriptor manifest = sink.put(MediaType.OCI_MANIFEST, manifestJson);

    Optional<Descriptor> sbom = Optional.empty();
    List<String> pkgNames = new ArrayList<>();
    List<SpdxWriter.NameVersion> nv = new ArrayList<>();
    for (InstalledPackage p : all) {
      pkgNames.add(p.meta().name() + "=" + p.meta().version());
      nv.add(new SpdxWriter.NameVersion(p.meta().name(), p.meta().version()));
    }
    if (options.sbom()) {
      if (base.isPresent()) {
        // The layers are written: the tree now serves the SBOM alone, which also reads the base's package SBOMs.
        for (Map.Entry<String, byte[]> f : BaseLayers.sbomInputs(image.base().get(), base.get()).entrySet()) {
          if (tree.lstat(f.getKey()).isEmpty()) {
            tree.mkdirAll(f.getKey().substring(0, f.getKey().lastIndexOf('/')), 0755);
            tree.writeFile(f.getKey(), f.getValue(), 0644);
          }
        }
      }
      byte[] doc =
          new SpdxWriter(SbomTool.apkoFarm())
              .image(
                  new SpdxWriter.ImageInput(
                      tree, nv, options.reference(), arch, manifest.digest(), layerBlobs, created,
                      finished.config().vcsUrl()));
      sbom = Optional.of(sink.put(MediaType.SPDX_JSON, doc));
    }
    return new BuiltArch(arch, manifest, configBlob, layers, created, sbom, pkgNames);
  }

  private List<InstalledPackage> install(
      ImageTree tree, List<LockedPackage> locked, PackageSource packages, long scriptsMtime, Limits limits,
      Optional<BaseArch> base)
      throws BadInputException, IOException {
    List<Future<PackageArchive>> fetches = new ArrayList<>();
    for (LockedPackage p : locked) {
      if (base.isPresent() && base.get().has(p.name())) {
        continue; // apko skips what the base has (a lock may list it)
      }
      fetches.add(fetchPool.submit(() -> packages.open(p)));
    }
    Installer installer = new Installer(tree, scriptsMtime);
    long imageBytes = 0;
    base.ifPresent(b -> installer.preinstalled(b.installed()));
    try {
      for (Future<PackageArchive> f : fetches) {
        PackageArchive archive = f.get();
        for (DataEntry e : archive.dataEntries()) {
          imageBytes += e.size();
        }
        if (imageBytes > limits.maxImageSize()) {
          throw new PackageVerificationException(
              archive.meta().nameVersion(),
              "with it the image's files add up to more than " + limits.maxImageSize() + " bytes (--max-image-size)");
        }
        installer.install(archive);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while installing packages");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof BadInputException b) {
        throw b;
      }
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException("fetching packages failed: " + c, c);
    } finally {
      fetches.forEach(f -> f.cancel(true));
    }
    return installer.finish();
  }
}
