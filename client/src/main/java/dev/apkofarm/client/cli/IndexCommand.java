package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "index", mixinStandardHelpOptions = true, description = "Write a signed APKINDEX.tar.gz for the packages of a repository directory.")
final class IndexCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(index = "0", paramLabel = "DIR") java.nio.file.Path dir;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
