package dev.apkofarm.core.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when this machine lacks something it needs (a program, Docker, the fixtures, Debian packages):
 * on a developer machine it is skipped with a message saying what is missing; in CI ({@code CI=true}, where
 * {@code scripts/test} provides everything) it fails, so nothing is silently left untested there.
 */
public final class TestEnvironment {
  private TestEnvironment() {}

  /** Whether this run is CI's ({@code CI=true}). */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Ends the calling test because of {@code message}: fails in CI, skips elsewhere. Never returns normally; declared
   * to return an exception so that callers can write {@code throw TestEnvironment.missing(...)}.
   */
  public static RuntimeException missing(String message) {
    if (inCi()) {
      throw new IllegalStateException(message + " [CI=true: a failure, not a skip]");
    }
    return Assumptions.abort(message);
  }
}
