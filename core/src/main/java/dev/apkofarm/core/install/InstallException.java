package dev.apkofarm.core.install;

import dev.apkofarm.core.BadInputException;

/** A package could not be installed into the image (an entry collides with the tree, an unsupported type, ...). */
public final class InstallException extends BadInputException {
  private static final long serialVersionUID = 1L;

  public InstallException(String packageName, String message) {
    super("installing " + packageName + ": " + message);
  }

  public InstallException(String packageName, String message, Throwable cause) {
    super("installing " + packageName + ": " + message, cause);
  }
}
