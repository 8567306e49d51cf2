package dev.apkofarm.core.build;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.BlobSink;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Builds every arch of a locked image in parallel in this process and assembles the index: the one-process form of
 * the pipeline ({@code apko-client build}, the embedded farm). A real farm runs {@link ArchBuilder} on workers and
 * {@link IndexAssembler} on the coordinator instead.
 */
public final class ImageBuilder {
  private final ExecutorService fetchPool;
  private final Consumer<String> warnings;

  /**
   * @param fetchPool threads fetching and expanding packages (shared by all archs)
   * @param warnings receives notes for the user
   */
  public ImageBuilder(ExecutorService fetchPool, Consumer<String> warnings) {
    this.fetchPool = fetchPool;
    this.warnings = warnings;
  }

  public BuiltImage build(LockedImage image, PackageSource packages, BuildOptions options, BlobSink sink)
      throws BadInputException, IOException {
    List<Arch> archs = image.archList();
    ExecutorService archPool = Executors.newFixedThreadPool(archs.size());
    try {
      List<Future<BuiltArch>> futures = new ArrayList<>();
      ArchBuilder builder = new ArchBuilder(fetchPool, warnings);
      for (Arch a : archs) {
        futures.add(archPool.submit(() -> builder.build(image, a, packages, options, sink)));
      }
      List<BuiltArch> built = new ArrayList<>();
      for (Future<BuiltArch> f : futures) {
        built.add(f.get());
      }
      return IndexAssembler.assemble(image, built, options, sink);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while building");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof BadInputException b) {
        throw b;
      }
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(c);
    } finally {
      archPool.shutdownNow();
    }
  }
}
