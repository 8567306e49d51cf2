package dev.apkofarm.core.apk.repo;

import java.io.IOException;

/** A resource that could not be fetched; the message names its location (never credentials). */
public final class FetchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final boolean notFound;

  public FetchException(String message, boolean notFound) {
    super(message);
    this.notFound = notFound;
  }

  public FetchException(String message, Throwable cause) {
    super(message, cause);
    this.notFound = false;
  }

  /** Whether the location does not exist (HTTP 404/410, or no such file), as opposed to a transport failure. */
  public boolean notFound() {
    return notFound;
  }
}
