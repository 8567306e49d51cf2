package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "show-packages", mixinStandardHelpOptions = true, description = "Print the packages a config resolves to.")
final class ShowPackagesCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(index = "0", paramLabel = "CONFIG") java.nio.file.Path config;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
