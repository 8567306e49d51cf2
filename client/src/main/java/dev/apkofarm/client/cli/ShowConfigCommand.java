package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.cache.UserCache;
import dev.apkofarm.core.config.ConfigWriter;
import dev.apkofarm.core.config.ImageConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  // apko's show-config takes these (and loads the keys) but prints the config as written: so do we.
  @Option(names = {"-k", "--keyring-append"}, split = ",", paramLabel = "KEY",
      description = "Extra keys (paths or URLs): checked to be readable keys; the printed config is unchanged, as in"
          + " apko.")
  List<String> extraKeys = new ArrayList<>();

  @Option(names = {"-r", "--repository-append"}, split = ",", paramLabel = "REPO",
      description = "Accepted as apko does; the printed config is unchanged.")
  List<String> extraRepositories = new ArrayList<>();

  @Option(names = {"-b", "--build-repository-append"}, split = ",", paramLabel = "REPO",
      description = "Accepted as apko does; the printed config is unchanged.")
  List<String> extraBuildRepositories = new ArrayList<>();

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "Cache for fetched keys (as for build).")
  Path cacheDir;

  @Option(names = "--offline", description = "Read remote keys from the cache only.")
  boolean offline;

  @Override
  public Integer call() throws BadInputException, IOException {
    ImageConfig c = configs.load(root.workDir(), err()).config();
    if (!extraKeys.isEmpty()) {
      Optional<Path> cache = Optional.of(cacheDir == null ? UserCache.root() : root.resolve(cacheDir));
      new Repositories(new Fetcher(Fetcher.Options.defaults(root.workDir(), cache).withOffline(offline)))
          .loadKeyring(extraKeys);
    }
    ImageConfig effective = ConfigWriter.effective(c);
    out().print(json ? ConfigWriter.json(effective) + System.lineSeparator() : ConfigWriter.yaml(effective));
    out().flush();
    return 0;
  }
}
