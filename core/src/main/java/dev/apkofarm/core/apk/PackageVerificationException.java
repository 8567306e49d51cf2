package dev.apkofarm.core.apk;

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
    super("package " + InputText.escape(packageName) + ": " + problem);
    this.packageName = packageName;
  }

  public PackageVerificationException(String packageName, String problem, Throwable cause) {
    super("package " + InputText.escape(packageName) + ": " + problem, cause);
    this.packageName = packageName;
  }

  /** The package, as {@code name-version} or its file name. */
  public String packageName() {
    return packageName;
  }
}
