package dev.apkofarm.core.apk.index;

import dev.apkofarm.core.BadInputException;

/** A repository index whose signature is missing, made by an untrusted key, or does not verify. */
public final class IndexVerificationException extends BadInputException {
  private static final long serialVersionUID = 1L;

  public IndexVerificationException(String message) {
    super(message);
  }
}
