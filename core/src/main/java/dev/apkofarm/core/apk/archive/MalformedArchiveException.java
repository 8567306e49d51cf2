package dev.apkofarm.core.apk.archive;

import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.pkg.PackageVerificationException;
import java.io.IOException;

/**
 * A tar or gzip stream that is not well formed, or that goes past a {@link Limits limit} while it is read. It is an
 * {@link IOException} because it surfaces from stream reads, but it is the input's fault: whoever reads a package or
 * an index turns it into a {@link PackageVerificationException} or a bad-index error (exit 2) naming the culprit.
 */
public final class MalformedArchiveException extends IOException {
  private static final long serialVersionUID = 1L;

  public MalformedArchiveException(String message) {
    super(message);
  }

  public MalformedArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
