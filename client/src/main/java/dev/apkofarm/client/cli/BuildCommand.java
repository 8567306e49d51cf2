package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.build.BuildOptions;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.build.BuiltImage;
import dev.apkofarm.core.build.ImageBuilder;
import dev.apkofarm.core.build.ImageOutput;
import dev.apkofarm.core.build.LockedImage;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.oci.FileModes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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
  @Parameters(index = "0", paramLabel = "CONFIG", description = "The apko YAML config (relative to -C DIR).")
  String config;

  @Parameters(index = "1", paramLabel = "TAG", description = "The image reference, e.g. golden:latest.")
  String tag;

  @Parameters(index = "2", paramLabel = "OUTPUT", description = "An existing directory (OCI layout) or a tarball path.")
  Path output;

  @Mixin BuildSettings settings;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path workDir = root.workDir();
    Path out = root.resolve(output);
    BuildSettings.Prepared prepared = settings.prepare(workDir, config, tag, err());
    LockedImage image = prepared.image();
    BuildOptions options = prepared.options();

    Path tmp = Files.isDirectory(out) ? out : out.toAbsolutePath().getParent();
    Files.createDirectories(tmp);
    Path blobsDir = Files.createTempDirectory(tmp, ".apko-farm-build-");
    try {
      DirectoryBlobStore blobs = new DirectoryBlobStore(blobsDir);
      BuiltImage built;
      try (var packages = prepared.packages()) {
        built = new ImageBuilder(prepared.fetchPool(), w -> err().println("warning: " + w))
            .build(image, packages, options, blobs);
      } finally {
        prepared.fetchPool().shutdownNow();
      }
      ImageOutput.Kind kind = ImageOutput.write(out, built, tag, Arch.host(), blobs);
      if (options.sbom()) {
        Path sbomDir = settings.sbomDir(workDir);
        Files.createDirectories(sbomDir);
        for (BuiltArch a : built.archs()) {
          copySbom(blobs, a.sbom().orElseThrow(), sbomDir.resolve(a.sbomFileName()));
        }
        copySbom(blobs, built.sbom().orElseThrow(), sbomDir.resolve("sbom-index.spdx.json"));
      }
      List<String> lines = new ArrayList<>();
      for (BuiltArch a : built.archs()) {
        lines.add("  " + a.arch() + " " + a.manifest().digest() + " (diff_id " + a.layers().get(0).diffId()
            + (a.layers().size() > 1 ? ", +" + (a.layers().size() - 1) + " layers" : "") + ")");
      }
      err().println("wrote " + (kind == ImageOutput.Kind.OCI_LAYOUT ? "OCI layout " : "docker tarball ") + out);
      lines.forEach(l -> err().println(l));
      out().println(built.index().digest());
      return 0;
    } finally {
      deleteTree(blobsDir);
    }
  }

  private static void copySbom(DirectoryBlobStore blobs, Descriptor d, Path target) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.copy(blobs.path(d.digest()), tmp, StandardCopyOption.REPLACE_EXISTING);
      FileModes.readable(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

}
