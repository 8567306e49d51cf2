package dev.apkofarm.client.cli;

import dev.apkofarm.core.config.ConfigException;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.LoadedConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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

  /** Loads the config relative to {@code workDir}, printing its warnings to {@code err}. */
  LoadedConfig load(Path workDir, PrintWriter err) throws ConfigException {
    LoadedConfig loaded = new ConfigLoader(workDir, includePaths).load(config);
    loaded.warnings().forEach(w -> err.println("warning: " + w));
    return loaded;
  }
}
