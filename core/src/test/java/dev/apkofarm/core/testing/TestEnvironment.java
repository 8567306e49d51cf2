package dev.apkofarm.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when this machine lacks something it needs (a program, Docker, Debian packages). Where
 * {@code scripts/test} provides everything — in CI ({@code CI=true}) and as root on Debian, where it installs and
 * starts what the suite needs — a missing environment is a failure, so nothing is silently left untested. Elsewhere
 * (a developer's machine without root) the test is skipped with one line saying what is missing.
 */
public final class TestEnvironment {
  private TestEnvironment() {}

  /** Whether a missing environment fails the test: in CI, or as root on Debian. */
  public static boolean strict() {
    return "true".equalsIgnoreCase(System.getenv("CI"))
        || ("root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/etc/debian_version")));
  }

  /**
   * Ends the calling test because of {@code message}: fails where {@link #strict()}, skips elsewhere. Never returns
   * normally; declared to return an exception so that callers can write {@code throw TestEnvironment.missing(...)}.
   */
  public static RuntimeException missing(String message) {
    if (strict()) {
      throw new IllegalStateException(message + " [scripts/test provides this here: a failure, not a skip]");
    }
    return Assumptions.abort(message);
  }
}
