package dev.apkofarm.core.apk.resolve;

import dev.apkofarm.core.BadInputException;

/**
 * Packages that cannot be resolved. The message says which constraint failed, on which dependency path, and why
 * each candidate was rejected (wrong version, disqualified by a conflict or another arch, pinned repository).
 */
public final class ResolutionException extends BadInputException {
  private static final long serialVersionUID = 1L;

  public ResolutionException(String message) {
    super(message);
  }
}
