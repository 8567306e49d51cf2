package dev.apkofarm.core.install;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.PackageInfo;

/** Two packages install different content at one path and neither may replace the other. */
public final class FileConflictException extends BadInputException {
  private static final long serialVersionUID = 1L;

  private final String path;

  public FileConflictException(String path, PackageInfo existing, PackageInfo incoming) {
    super(
        "file conflict at /" + path + ": " + incoming.nameVersion() + " (origin " + incoming.origin()
            + ") would overwrite the file of " + existing.nameVersion() + " (origin " + existing.origin()
            + "); neither replaces the other");
    this.path = path;
  }

  /** The contested path. */
  public String path() {
    return path;
  }
}
