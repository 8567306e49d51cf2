package dev.apkofarm.core.config;

import dev.apkofarm.core.InputText;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Name rules shared by the config records: certificate and key names become file names in the image, account fields
 * become lines of {@code /etc/passwd}, {@code /etc/shadow} and {@code /etc/group}, environment and label keys become
 * OCI config entries. Each rule lives here once; the decoder reports a broken one at its position, and the records
 * check it again so no other path builds a config that breaks it.
 *
 * <p>Problems never quote the value: it may hold the very characters (newlines, {@code :}) the rule refuses, and the
 * position and field path already point at it.
 */
final class ConfigNames {
  /**
   * apko's rule for names used as file names: letters, digits, {@code _ -}, then also {@code .}; never a leading dot,
   * so no hidden files and no {@code ..}.
   */
  static final Pattern SAFE_FILE_NAME = Pattern.compile("^[a-zA-Z0-9_-]+[a-zA-Z0-9_.-]*$");
  /** shadow-utils' rule for user and group names (with its {@code $} for machine accounts). */
  static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z_][a-z0-9_.-]*\\$?");
  /** shadow-utils' limit on user and group names. */
  static final int MAX_ACCOUNT_NAME = 32;
  /** What an environment variable name may be (POSIX's portable names, plus {@code .} and {@code -}). */
  static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
  /**
   * What a label and annotation key may be: the reverse-domain names the OCI image spec recommends ({@code
   * org.opencontainers.image.title}, {@code prometheus.io/scrape}): letters, digits, {@code . _ - /}, starting with
   * a letter or digit.
   */
  static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");
  /** Longest label key accepted (keys are names, not data). */
  static final int MAX_LABEL_KEY = 256;
  /** A numeric user id as {@code run-as} may give it. */
  private static final Pattern UID = Pattern.compile("[0-9]{1,10}");

  private ConfigNames() {}

  /** The problem with {@code name} as a file name, or null when it is fine. */
  static String fileNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "has no name";
    }
    if (!SAFE_FILE_NAME.matcher(name).matches()) {
      return "name " + InputText.quote(name) + " is invalid, it must match " + SAFE_FILE_NAME.pattern();
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

  /** The problem with a user or group name, or null. */
  static String accountNameProblem(String name) {
    if (name.isEmpty()) {
      return "must not be empty";
    }
    if (name.length() > MAX_ACCOUNT_NAME || !ACCOUNT_NAME.matcher(name).matches()) {
      return "is not a valid account name: it must match " + ACCOUNT_NAME.pattern() + " and be at most "
          + MAX_ACCOUNT_NAME + " characters";
    }
    return null;
  }

  /** The problem with a home directory or shell (a field of a passwd line), or null. */
  static String accountFieldProblem(String value) {
    if (value.indexOf(':') >= 0 || InputText.hasUnsafe(value)) {
      return "must not contain ':' or control characters (it is a field of an /etc/passwd line)";
    }
    return null;
  }

  /** The problem with {@code run-as}: a user name or a numeric uid; null when it is fine. */
  static String runAsProblem(String value) {
    if (UID.matcher(value).matches()) {
      return Long.parseLong(value) <= Ids.UINT32_MAX ? null : "is a uid out of range (0.." + Ids.UINT32_MAX + ")";
    }
    String problem = accountNameProblem(value);
    return problem == null ? null : "must be a user name or a numeric uid; it " + problem;
  }

  /** The problem with an environment variable name, or null. */
  static String envKeyProblem(String key) {
    return ENV_KEY.matcher(key).matches()
        ? null
        : "environment variable name is invalid: it must match " + ENV_KEY.pattern();
  }

  /** The problem with a label or annotation key, or null. */
  static String labelKeyProblem(String key) {
    return key.length() <= MAX_LABEL_KEY && LABEL_KEY.matcher(key).matches()
        ? null
        : "label key is invalid: it must match " + LABEL_KEY.pattern() + " and be at most " + MAX_LABEL_KEY
            + " characters";
  }

  /** The problem with {@code work-dir}, or null. */
  static String workDirProblem(String dir) {
    if (!dir.startsWith("/")) {
      return "must be an absolute path";
    }
    return InputText.hasUnsafe(dir) ? "must not contain control characters" : null;
  }

  /**
   * The problem with a value that becomes a line of a file in the image or of a log ({@code /etc/apk/world}, {@code
   * /etc/apk/repositories}, a repository URL, a path), or null: no control characters.
   */
  static String lineProblem(String value) {
    return InputText.hasUnsafe(value) ? "must not contain control characters" : null;
  }

  /** The problem with a {@code contents.packages} entry (a word of {@code /etc/apk/world}), or null. */
  static String packageEntryProblem(String value) {
    if (value.isEmpty() || InputText.hasUnsafe(value) || value.chars().anyMatch(Character::isWhitespace)) {
      return "must be one word without spaces or control characters, like name, name=1.2-r0 or name>1";
    }
    return null;
  }

  /** Throws {@link IllegalArgumentException} with {@code what: problem} when {@code problem} is not null. */
  static void require(String problem, String what) {
    if (problem != null) {
      throw new IllegalArgumentException(what + " " + problem);
    }
  }
}
