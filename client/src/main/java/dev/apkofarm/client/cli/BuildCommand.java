package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "build", mixinStandardHelpOptions = true, description = "Build an image from a config into an OCI layout directory or a docker tarball.")
final class BuildCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(index = "0", paramLabel = "CONFIG") java.nio.file.Path config;
  @picocli.CommandLine.Parameters(index = "1", paramLabel = "TAG") String tag;
  @picocli.CommandLine.Parameters(index = "2", paramLabel = "OUTPUT") java.nio.file.Path output;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
