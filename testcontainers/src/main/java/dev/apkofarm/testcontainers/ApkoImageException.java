package dev.apkofarm.testcontainers;

import dev.apkofarm.core.BadInputException;

/**
 * Why an {@link ApkoImage} could not be built or loaded. For a mistake in the config or the options (the config's
 * {@code file:line:col: field: problem}, a package no repository has, a key that does not verify) the message is
 * exactly apko-farm's message and nothing else: no cause, no stack trace, since the place to look is the config, not
 * the code.
 */
public final class ApkoImageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean badInput;

  private ApkoImageException(String message, Throwable cause, boolean badInput) {
    super(message, cause, false, !badInput);
    this.badInput = badInput;
  }

  /** A user mistake, reported by its message alone. */
  static ApkoImageException badInput(BadInputException e) {
    return new ApkoImageException(e.getMessage(), null, true);
  }

  /** Any other failure (I/O, the farm, the Docker daemon), with its cause. */
  static ApkoImageException failure(String message, Throwable cause) {
    return new ApkoImageException(message, cause, false);
  }

  /** Whether the config or the options are at fault (the message says where), rather than the machine. */
  public boolean isBadInput() {
    return badInput;
  }
}
