package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the state of a farm job.")
final class StatusCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(index = "0", paramLabel = "JOB") String job;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
