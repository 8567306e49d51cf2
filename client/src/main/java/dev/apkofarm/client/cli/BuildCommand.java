package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.build.BuiltImage;
import dev.apkofarm.core.build.ImageOutput;
import dev.apkofarm.core.config.Arch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code apko-client build}: build an image into an OCI layout or a docker tarball, in this process. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Build an image from a config into an OCI layout directory or a docker tarball.",
      "An existing OUTPUT directory receives an OCI image layout; otherwise OUTPUT is written as a tarball for"
          + " 'docker load' holding every arch (the host's arch tagged TAG, the others TAG-<arch>).",
      "All archs build in parallel. Reproducible: same config, packages and SOURCE_DATE_EPOCH give the same digests."
    })
final class BuildCommand extends ClientCommand {
  @Parameters(index = "1", paramLabel = "TAG", description = "The image reference, e.g. golden:latest.")
  String tag;

  @Parameters(index = "2", paramLabel = "OUTPUT", description = "An existing directory (OCI layout) or a tarball path.")
  Path output;

  @Mixin BuildSettings settings;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path workDir = root.workDir();
    Path out = root.resolve(output);
    BuildSettings.Prepared prepared = settings.prepare(workDir, tag, err());
    // The scratch store sits beside the output: on its file system, where there is room for the image.
    Path scratchParent = Files.isDirectory(out) ? out : out.toAbsolutePath().getParent();
    try (LocalBuild build = LocalBuild.run(prepared, scratchParent, err())) {
      BuiltImage built = build.image();
      ImageOutput.Kind kind = ImageOutput.write(out, built, tag, Arch.host(), build.blobs());
      if (settings.sbom) {
        build.writeSboms(settings.sbomDir(workDir, out), settings.sbomFormats, tag);
      }
      err().println("wrote " + (kind == ImageOutput.Kind.OCI_LAYOUT ? "OCI layout " : "docker tarball ") + out);
      build.summary().forEach(l -> err().println(l));
      out().println(built.index().digest());
      return 0;
    }
  }
}
