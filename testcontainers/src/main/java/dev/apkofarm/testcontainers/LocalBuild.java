package dev.apkofarm.testcontainers;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.build.BuiltImage;
import dev.apkofarm.core.build.ImageBuilder;
import dev.apkofarm.core.build.StorePackageSource;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A locked config built in this process by core's {@link ImageBuilder}, the pipeline {@code apko-client build} runs:
 * verified packages from the user's cache, installed, finished and written as layers into a scratch blob store. No
 * daemon, no {@code docker build}.
 */
final class LocalBuild {
  private static final Logger LOG = LoggerFactory.getLogger(ApkoImage.class);

  private LocalBuild() {}

  static ImageFiles build(LockedConfig locked) throws BadInputException, IOException {
    TemporaryDirectory scratch = TemporaryDirectory.create("apko-farm-testcontainers-");
    ExecutorService fetchPool = Executors.newFixedThreadPool(LockedConfig.fetchThreads());
    try (StorePackageSource packages = new StorePackageSource(locked.store(), scratch.path().resolve("packages"))) {
      DirectoryBlobStore blobs = new DirectoryBlobStore(scratch.path().resolve("blobs"));
      BuiltImage built =
          new ImageBuilder(fetchPool, w -> LOG.warn("{}: {}", locked.request().configName(), w))
              .build(locked.image(), packages, locked.options(), blobs);
      BuiltArch arch = built.archs().get(0);
      return new ImageFiles(
          built.indexJson(), arch.manifest(), arch.config(), arch.layers().stream().map(l -> l.blob()).toList(),
          blobs, scratch);
    } catch (BadInputException | IOException | RuntimeException e) {
      scratch.close();
      throw e;
    } finally {
      fetchPool.shutdownNow();
    }
  }
}
