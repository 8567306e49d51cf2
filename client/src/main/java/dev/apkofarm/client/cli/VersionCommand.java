package dev.apkofarm.client.cli;

import dev.apkofarm.core.EngineVersion;
import picocli.CommandLine.Command;

@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
final class VersionCommand extends ClientCommand {
  @Override
  public Integer call() {
    out().println("apko-client " + EngineVersion.get());
    return 0;
  }
}
