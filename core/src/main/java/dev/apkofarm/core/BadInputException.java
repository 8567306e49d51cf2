package dev.apkofarm.core;

/**
 * A failure caused by what the user gave us (a config, a package, a key, a path), as opposed to a failure of the
 * machine or of our code. The CLI maps it to exit code 2 and prints only its message, which must name the culprit
 * (file:line:column and field, the package, the repository) so the user can act on it.
 */
public class BadInputException extends Exception {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
