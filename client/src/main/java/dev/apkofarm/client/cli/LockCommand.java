package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.lock.LockFile;
import dev.apkofarm.core.config.LoadedConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code apko-client lock}: resolve a config for all its archs and write apko's lock file. */
@Command(
    name = "lock",
    mixinStandardHelpOptions = true,
    description = {
      "Resolve a config for all its archs and write an apko lock file (apko's format, byte for byte).",
      "Versions agree across archs. Packages are fetched (and cached) to record their section ranges and checksums."
    })
final class LockCommand extends ClientCommand {
  @Option(names = "--output", paramLabel = "FILE", description = "Where to write the lock (default: CONFIG without extension + .lock.json).")
  Path output;

  @Mixin ConfigOptions configs;

  @Mixin RepositoryOptions repositories;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path workDir = root.workDir();
    LoadedConfig loaded = configs.load(workDir, err());
    LockFile lock = repositories.locker(workDir).lock(repositories.request(loaded, configs.base(workDir, loaded, repositories.archs(loaded), err())));
    Path out = workDir.resolve(output != null ? output : Path.of(defaultOutput(configs.config))).normalize();
    lock.write(out);
    err().println("wrote " + out + " (" + lock.contents().packages().size() + " packages, "
        + lock.architectures().size() + " archs)");
    return 0;
  }

  /** apko's default: the config path without its extension, plus {@code .lock.json}. */
  static String defaultOutput(String config) {
    int slash = config.lastIndexOf('/');
    int dot = config.lastIndexOf('.');
    String base = dot > slash ? config.substring(0, dot) : config;
    return base + ".lock.json";
  }
}
