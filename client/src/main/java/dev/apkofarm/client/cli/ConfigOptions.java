package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.base.BaseImages;
import dev.apkofarm.core.base.LockedBase;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.BaseImage;
import dev.apkofarm.core.config.ConfigException;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.LoadedConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code CONFIG} argument (always the first) of every command that reads a config, and where its include is
 * looked for ({@code --include-paths}); a picocli mixin.
 */
final class ConfigOptions {
  @Parameters(index = "0", paramLabel = "CONFIG", description = "The apko YAML config (relative to -C DIR).")
  String config;

  @Option(
      names = "--include-paths",
      split = ",",
      paramLabel = "DIR",
      description = "Further directories to look for the config and its include in.")
  List<Path> includePaths = List.of();

  /**
   * The config's base image ({@code contents.baseimage}) read for {@code archs}, looked up like apko does (the working
   * directory, then each include path); empty for a config without one.
   */
  Optional<LockedBase> base(Path workDir, LoadedConfig loaded, List<Arch> archs, PrintWriter err)
      throws BadInputException, IOException {
    Optional<BaseImage> base = loaded.config().contents().baseImage();
    if (base.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        BaseImages.load(base.get(), BaseImages.searchDirs(workDir, includePaths), archs,
            w -> err.println("warning: " + w)));
  }

  /** Loads the config relative to {@code workDir}, printing its warnings to {@code err}. */
  LoadedConfig load(Path workDir, PrintWriter err) throws ConfigException {
    LoadedConfig loaded = new ConfigLoader(workDir, includePaths).load(config);
    loaded.warnings().forEach(w -> err.println("warning: " + w));
    return loaded;
  }
}
