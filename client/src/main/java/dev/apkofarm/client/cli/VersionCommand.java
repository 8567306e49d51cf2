package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

/** {@code apko-client version}: the engine version, as {@code --version} prints it. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
final class VersionCommand extends ClientCommand {
  @Override
  public Integer call() {
    out().println(ApkoClientCommand.versionLine());
    return 0;
  }
}
