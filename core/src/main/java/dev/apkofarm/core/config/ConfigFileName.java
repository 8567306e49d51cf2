package dev.apkofarm.core.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The one rule for configs found in a directory and the image each names: a directory's configs are its {@code *.yaml}
 * and {@code *.yml} files, and a config file names its image after itself without the extension ({@code nginx.yaml}
 * builds {@code nginx}). {@code submit} of a directory and the registry front's {@code --configs} both follow it.
 */
public final class ConfigFileName {
  private ConfigFileName() {}

  /** Whether a file in a directory of configs is one ({@code .yaml} or {@code .yml}, any case). */
  public static boolean isConfig(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml");
  }

  /** The image a config file builds: its file name without the extension. */
  public static String imageName(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }
}
