package dev.apkofarm.core.fs;

import dev.apkofarm.core.BadInputException;

/**
 * An image-tree operation that cannot be carried out: the path is missing, exists already, escapes the root, and so
 * on. The message names the path; callers add the culprit (package, config field) when they rethrow.
 */
public final class TreeException extends BadInputException {
  private static final long serialVersionUID = 1L;

  /** Why an operation failed. */
  public enum Reason {
    NOT_FOUND("no such file or directory"),
    EXISTS("already exists"),
    NOT_A_DIRECTORY("not a directory"),
    IS_A_DIRECTORY("is a directory"),
    ESCAPES_ROOT("resolves outside the image root"),
    TOO_MANY_LINKS("too many levels of symbolic links"),
    INVALID_PATH("invalid path"),
    NOT_A_SYMLINK("not a symbolic link");

    private final String text;

    Reason(String text) {
      this.text = text;
    }
  }

  private final Reason reason;
  private final String path;

  public TreeException(Reason reason, String path) {
    super("/" + path + ": " + reason.text);
    this.reason = reason;
    this.path = path;
  }

  public TreeException(Reason reason, String path, String detail) {
    super("/" + path + ": " + reason.text + " (" + detail + ")");
    this.reason = reason;
    this.path = path;
  }

  public Reason reason() {
    return reason;
  }

  /** The offending path, relative to the image root. */
  public String path() {
    return path;
  }
}
