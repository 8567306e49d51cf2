package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit configs (files or directories) to a farm, or to an embedded farm.")
final class SubmitCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(arity = "1..*", paramLabel = "PATH") java.util.List<java.nio.file.Path> paths;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
