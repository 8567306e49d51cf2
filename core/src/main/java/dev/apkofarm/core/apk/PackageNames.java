package dev.apkofarm.core.apk;

import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.pkg.PackageSpec;

/**
 * The one rule for package names and versions, wherever they enter (an APKINDEX, a {@code .PKGINFO}, a lock file, a
 * package to write): a name is {@code [A-Za-z0-9_+][A-Za-z0-9_+.-]*}, a version is written in apk's version alphabet
 * ({@code [0-9A-Za-z][0-9A-Za-z._+~-]*}). Both end up in file names ({@code name-version.apk}), URLs, the installed
 * database and messages, so nothing else may pass: no {@code /}, no whitespace or control character.
 *
 * <p>Versions are not held to apk's full grammar ({@link Version}) here: real indexes carry a few versions outside it
 * (Alpine 3.16 has {@code 0.99f7-r0}), which apk and go-apk keep; such a package never satisfies a versioned
 * constraint. Packages we write ({@link PackageSpec}) must follow the grammar.
 */
public final class PackageNames {
  private static final String NAME = "[A-Za-z0-9_+][A-Za-z0-9_+.-]*";
  private static final String VERSION = "[0-9A-Za-z][0-9A-Za-z._+~-]*";
  /** Together below NAME_MAX (255) for {@code name-version.apk}. */
  public static final int MAX_NAME = 128;
  public static final int MAX_VERSION = 120;

  private PackageNames() {}

  /** Why {@code name} is not a package name, or null. */
  public static String nameProblem(String name) {
    if (!isName(name)) {
      return "package name " + InputText.quote(abbreviated(name)) + " is invalid (it must match " + NAME
          + ", at most " + MAX_NAME + " characters)";
    }
    return null;
  }

  /** Why {@code version} is not an apk version, or null. */
  public static String versionProblem(String version) {
    if (!isVersion(version)) {
      return "version " + InputText.quote(abbreviated(version)) + " is invalid (it must match " + VERSION
          + ", at most " + MAX_VERSION + " characters)";
    }
    return null;
  }

  // The two patterns above, checked by hand rather than by java.util.regex: an index names 17,000 packages, checked
  // while a short CLI run waits for it in code the JIT has barely compiled, where the regex engine cost show-packages
  // about 4 ms. PackageNamesTest holds both loops to the patterns, character by character.

  static boolean isName(String s) {
    int n = s.length();
    if (n == 0 || n > MAX_NAME) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!(alphanumeric(c) || c == '_' || c == '+' || (i > 0 && (c == '.' || c == '-')))) {
        return false;
      }
    }
    return true;
  }

  static boolean isVersion(String s) {
    int n = s.length();
    if (n == 0 || n > MAX_VERSION || !alphanumeric(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (!(alphanumeric(c) || c == '.' || c == '_' || c == '+' || c == '~' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean alphanumeric(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** Throws {@link IllegalArgumentException} when the name or the version is invalid. */
  public static void require(String name, String version) {
    String problem = nameProblem(name);
    if (problem == null) {
      problem = versionProblem(version);
    }
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  // A hostile name can be megabytes long; a message needs its start.
  private static String abbreviated(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
