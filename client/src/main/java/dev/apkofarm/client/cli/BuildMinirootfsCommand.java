package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "build-minirootfs", mixinStandardHelpOptions = true, description = "Build the root filesystem of one arch as a gzipped tarball.")
final class BuildMinirootfsCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(index = "0", paramLabel = "CONFIG") java.nio.file.Path config;
  @picocli.CommandLine.Parameters(index = "1", paramLabel = "OUT.tar.gz") java.nio.file.Path output;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
