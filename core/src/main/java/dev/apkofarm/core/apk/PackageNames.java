package dev.apkofarm.core.apk;

import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import java.util.regex.Pattern;

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
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+][A-Za-z0-9_+.-]*");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+~-]*");
  /** Together below NAME_MAX (255) for {@code name-version.apk}. */
  public static final int MAX_NAME = 128;
  public static final int MAX_VERSION = 120;

  private PackageNames() {}

  /** Why {@code name} is not a package name, or null. */
  public static String nameProblem(String name) {
    if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      return "package name " + InputText.quote(abbreviated(name)) + " is invalid (it must match " + NAME.pattern()
          + ", at most " + MAX_NAME + " characters)";
    }
    return null;
  }

  /** Why {@code version} is not an apk version, or null. */
  public static String versionProblem(String version) {
    if (version.length() > MAX_VERSION || !VERSION.matcher(version).matches()) {
      return "version " + InputText.quote(abbreviated(version)) + " is invalid (it must match " + VERSION.pattern()
          + ", at most " + MAX_VERSION + " characters)";
    }
    return null;
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
