package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.build.BuiltImage;
import dev.apkofarm.core.build.ImageBuilder;
import dev.apkofarm.core.io.AtomicFile;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A locked image built in this process (every arch in parallel) into a scratch blob store, which {@link #close()}
 * deletes: what {@code build} writes out and {@code publish} pushes.
 */
final class LocalBuild implements AutoCloseable {
  private final TemporaryDirectory scratch;
  private final DirectoryBlobStore blobs;
  private final BuiltImage image;

  private LocalBuild(TemporaryDirectory scratch, DirectoryBlobStore blobs, BuiltImage image) {
    this.scratch = scratch;
    this.blobs = blobs;
    this.image = image;
  }

  /**
   * Builds {@code prepared} (closing its package source and fetch threads) into a scratch directory under
   * {@code scratchParent}.
   */
  static LocalBuild run(BuildSettings.Prepared prepared, Path scratchParent, PrintWriter err)
      throws BadInputException, IOException {
    TemporaryDirectory scratch = TemporaryDirectory.create(scratchParent, ".apko-farm-build-");
    try (prepared) {
      DirectoryBlobStore blobs = new DirectoryBlobStore(scratch.path());
      BuiltImage built =
          new ImageBuilder(prepared.fetchPool(), w -> err.println("warning: " + w))
              .build(prepared.image(), prepared.packages(), prepared.options(), blobs);
      return new LocalBuild(scratch, blobs, built);
    } catch (BadInputException | IOException | RuntimeException e) {
      scratch.close();
      throw e;
    }
  }

  BuiltImage image() {
    return image;
  }

  /** The blobs of the build, laid out as an OCI layout's {@code blobs/} ({@code sha256/<hex>}). */
  DirectoryBlobStore blobs() {
    return blobs;
  }

  /**
   * Writes the SBOMs into {@code dir}, each through a temporary name: SPDX as apko names them ({@code
   * sbom-<apk arch>.spdx.json}, {@code sbom-index.spdx.json}) when the build made them, and CycloneDX ({@code
   * sbom-<apk arch>.cdx.json}, {@code sbom-index.cdx.json}) when asked for.
   */
  void writeSboms(Path dir, List<String> formats, String reference) throws IOException {
    if (image.sbom().isPresent()) {
      Files.createDirectories(dir);
      for (BuiltArch a : image.archs()) {
        copy(a.sbom().orElseThrow(), dir.resolve(a.sbomFileName()));
      }
      copy(image.sbom().orElseThrow(), dir.resolve("sbom-index.spdx.json"));
    }
    if (formats.contains(BuildSettings.CYCLONEDX)) {
      Files.createDirectories(dir);
      for (BuiltArch a : image.archs()) {
        AtomicFile.write(dir.resolve(CycloneDx.fileName(a)), CycloneDx.image(a, reference));
      }
      AtomicFile.write(dir.resolve("sbom-index.cdx.json"), CycloneDx.index(image, reference));
    }
  }

  /** One line per arch for the user: manifest digest and the bottom layer's diff_id. */
  List<String> summary() {
    List<String> lines = new ArrayList<>();
    for (BuiltArch a : image.archs()) {
      lines.add("  " + a.arch() + " " + a.manifest().digest() + " (diff_id " + a.layers().get(0).diffId()
          + (a.layers().size() > 1 ? ", +" + (a.layers().size() - 1) + " layers" : "") + ")");
    }
    return lines;
  }

  private void copy(Descriptor d, Path target) throws IOException {
    AtomicFile.write(target, out -> Files.copy(blobs.path(d.digest()), out));
  }

  @Override
  public void close() throws IOException {
    scratch.close();
  }
}
