package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "pack", mixinStandardHelpOptions = true, description = "Pack a directory into a signed APK package.")
final class PackCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(index = "0", paramLabel = "DIR") java.nio.file.Path dir;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
