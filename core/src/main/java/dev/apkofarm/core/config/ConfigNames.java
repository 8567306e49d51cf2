package dev.apkofarm.core.config;

import java.util.Objects;
import java.util.regex.Pattern;

/** Name rules shared by the config records (certificate and key names become file names in the image). */
final class ConfigNames {
  /**
   * apko's rule for names used as file names: letters, digits, {@code _ -}, then also {@code .}; never a leading dot,
   * so no hidden files and no {@code ..}.
   */
  static final Pattern SAFE_FILE_NAME = Pattern.compile("^[a-zA-Z0-9_-]+[a-zA-Z0-9_.-]*$");

  private ConfigNames() {}

  /** The problem with {@code name} as a file name, or null when it is fine. */
  static String fileNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "has no name";
    }
    if (!SAFE_FILE_NAME.matcher(name).matches()) {
      return "name \"" + name + "\" is invalid, it must match " + SAFE_FILE_NAME.pattern();
    }
    return null;
  }

  static void requireSafeFileName(String name, String what) {
    Objects.requireNonNull(name, "name");
    String problem = fileNameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(what + " " + problem);
    }
  }
}
