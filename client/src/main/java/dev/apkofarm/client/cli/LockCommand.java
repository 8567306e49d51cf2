package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "lock", mixinStandardHelpOptions = true, description = "Resolve a config for all its archs and write an apko lock file.")
final class LockCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(index = "0", paramLabel = "CONFIG") java.nio.file.Path config;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
