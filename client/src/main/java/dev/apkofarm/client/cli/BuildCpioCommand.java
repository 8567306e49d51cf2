package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.build.ArchBuilder;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.LoadedConfig;
import dev.apkofarm.core.io.AtomicFile;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.oci.LayerCpio;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code apko-client build-cpio}: one arch's root filesystem as a newc cpio archive (an initramfs). */
@Command(
    name = "build-cpio",
    mixinStandardHelpOptions = true,
    description = {
      "Build the root filesystem of one arch as a newc cpio archive (for an initramfs), gzip-compressed when OUTPUT"
          + " ends in .gz (as apko decides).",
      "The arch is --arch/--build-arch (one), else the host's. Byte-deterministic: entries in the layer's order,"
          + " inode numbers counted from 1, owners and times as in the layer."
    })
final class BuildCpioCommand extends ClientCommand {
  @Parameters(index = "1", paramLabel = "OUTPUT", description = "Where to write the archive (.cpio or .cpio.gz).")
  Path output;

  @Mixin BuildSettings settings;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path workDir = root.workDir();
    Path out = root.resolve(output);
    LoadedConfig loaded = settings.configs.load(workDir, err());
    List<Arch> archs = settings.repositories.oneArch(loaded, "build-cpio");
    settings.sbom = false;
    BuildSettings.Prepared prepared = settings.prepare(workDir, loaded, archs, "", err());
    try (prepared;
        TemporaryDirectory scratch =
            TemporaryDirectory.create(out.toAbsolutePath().getParent(), ".apko-farm-cpio-")) {
      DirectoryBlobStore blobs = new DirectoryBlobStore(scratch.path());
      BuiltArch built =
          new ArchBuilder(prepared.fetchPool(), w -> err().println("warning: " + w))
              .build(prepared.image(), archs.get(0), prepared.packages(), prepared.options(), blobs);
      boolean gzip = out.getFileName().toString().endsWith(".gz");
      try (AtomicFile file = AtomicFile.beside(out)) {
        try (OutputStream os = file.newOutputStream();
            OutputStream target = gzip ? new java.util.zip.GZIPOutputStream(os, 1 << 16) : os) {
          List<Path> layers = new java.util.ArrayList<>();
          for (Layer l : built.layers()) {
            layers.add(blobs.path(l.blob().digest()));
          }
          LayerCpio.write(layers, target);
        }
        file.commit(out);
      }
      err().println("wrote " + out + " (" + archs.get(0) + (gzip ? ", gzip" : "") + ")");
      return 0;
    }
  }
}
