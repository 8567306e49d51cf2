package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "watch", mixinStandardHelpOptions = true, description = "Follow the events of a farm job.")
final class WatchCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(index = "0", paramLabel = "JOB") String job;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
