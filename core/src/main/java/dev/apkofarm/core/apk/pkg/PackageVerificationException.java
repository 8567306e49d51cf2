package dev.apkofarm.core.apk.pkg;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.InputText;

/**
 * A package that is not what its repository promised (a checksum or signature mismatch) or is malformed (not an
 * apk, an entry escaping the root). The message names the package.
 */
public final class PackageVerificationException extends BadInputException {
  private static final long serialVersionUID = 1L;

  private final String packageName;

  public PackageVerificationException(String packageName, String problem) {
    super(message(packageName, problem));
    this.packageName = packageName;
  }

  public PackageVerificationException(String packageName, String problem, Throwable cause) {
    super(message(packageName, problem), cause);
    this.packageName = packageName;
  }

  // Readers name what they read ("package foo-1.0 data section: ..."); said once is enough.
  private static String message(String packageName, String problem) {
    String prefix = "package " + packageName + " ";
    String p = problem.startsWith(prefix) ? problem.substring(prefix.length()) : problem;
    return "package " + InputText.escape(packageName) + ": " + p;
  }

  /** The package, as {@code name-version} or its file name. */
  public String packageName() {
    return packageName;
  }
}
