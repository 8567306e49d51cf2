package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "show-config", mixinStandardHelpOptions = true, description = "Print the effective config (after include, defaults and normalisation) as YAML.")
final class ShowConfigCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(index = "0", paramLabel = "CONFIG") java.nio.file.Path config;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
