package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a farm job.")
final class CancelCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(index = "0", paramLabel = "JOB") String job;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
