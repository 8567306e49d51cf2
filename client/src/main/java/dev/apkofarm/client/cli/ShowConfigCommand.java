package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.ConfigWriter;
import dev.apkofarm.core.config.ImageConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code show-config}: prints the effective config, as apko would build it, in apko's YAML (or JSON). */
@Command(
    name = "show-config",
    mixinStandardHelpOptions = true,
    description = {
      "Print the effective config (after include, defaults and normalisation) as YAML.",
      "Archs are normalised (amd64, arm64, ...), the default environment is filled in, a service bundle's command"
          + " and s6 package are added; repository passwords are shown as xxxxx."
    })
final class ShowConfigCommand extends ClientCommand {
  @Option(names = "--json", description = "Print JSON instead of YAML.")
  boolean json;

  @Mixin ConfigOptions configs;

  @Override
  public Integer call() throws BadInputException {
    ImageConfig c = configs.load(root.workDir(), err()).config();
    ImageConfig effective = ConfigWriter.effective(c);
    out().print(json ? ConfigWriter.json(effective) + System.lineSeparator() : ConfigWriter.yaml(effective));
    out().flush();
    return 0;
  }
}
