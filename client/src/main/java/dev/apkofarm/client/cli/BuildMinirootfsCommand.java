package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.build.ArchBuilder;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.LoadedConfig;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.oci.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code apko-client build-minirootfs}: one arch's root filesystem as a gzipped tarball (the image's layer). */
@Command(
    name = "build-minirootfs",
    mixinStandardHelpOptions = true,
    description = {
      "Build the root filesystem of one arch as a gzipped tarball (exactly the image's layer).",
      "The arch is --arch (one), else the host's."
    })
final class BuildMinirootfsCommand extends ClientCommand {
  @Parameters(index = "1", paramLabel = "OUT.tar.gz", description = "Where to write the tarball.")
  Path output;

  @Mixin BuildSettings settings;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path workDir = root.workDir();
    Path out = root.resolve(output);
    LoadedConfig loaded = settings.configs.load(workDir, err());
    List<Arch> archs = settings.repositories.oneArch(loaded, "build-minirootfs");
    settings.sbom = false;
    BuildSettings.Prepared prepared = settings.prepare(workDir, loaded, archs, "", err());
    // The scratch store sits beside the output, so that the finished layer is renamed into place.
    try (prepared;
        TemporaryDirectory scratch =
            TemporaryDirectory.create(out.toAbsolutePath().getParent(), ".apko-farm-rootfs-")) {
      DirectoryBlobStore blobs = new DirectoryBlobStore(scratch.path());
      BuiltArch built =
          new ArchBuilder(prepared.fetchPool(), w -> err().println("warning: " + w))
              .build(prepared.image(), archs.get(0), prepared.packages(), prepared.options(), blobs);
      // On a base image the root filesystem written is the layer built on top of it, as apko writes it.
      int baseLayers = prepared.image().base().map(b -> b.arch(archs.get(0)).layers().size()).orElse(0);
      if (built.layers().size() - baseLayers != 1) {
        throw new BadInputException("build-minirootfs needs a single-layer config (remove layering)");
      }
      Layer layer = built.layers().get(baseLayers);
      Files.move(
          blobs.path(layer.blob().digest()), out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      err().println("wrote " + out + " (" + archs.get(0) + ", diff_id " + layer.diffId() + ")");
      return 0;
    }
  }
}
