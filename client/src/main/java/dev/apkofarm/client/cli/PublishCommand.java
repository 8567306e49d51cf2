package dev.apkofarm.client.cli;

import picocli.CommandLine.Command;

@Command(name = "publish", mixinStandardHelpOptions = true, description = "Build an image and push it (every arch, the index, then the tags) to a registry.")
final class PublishCommand extends ClientCommand {
  @picocli.CommandLine.Parameters(index = "0", paramLabel = "CONFIG") java.nio.file.Path config;
  @picocli.CommandLine.Parameters(index = "1..*", arity = "1..*", paramLabel = "REF") java.util.List<String> refs;

  @Override
  public Integer call() {
    return notYetAvailable();
  }
}
