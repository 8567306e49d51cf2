package dev.apkofarm.core.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, checking it every 50 ms; fails naming what it waited for. */
public final class Await {
  /**
   * How soon after a cancel is sent its job's running tasks must have stopped on their workers ("within a few
   * seconds", issue 5), counted from the cancel: the cancel reaches the worker at once over its stream.
   */
  public static final Duration CANCEL_STOPS_TASKS_WITHIN = Duration.ofSeconds(10);

  private Await() {}

  public static void until(Duration deadline, String what, BooleanSupplier condition) {
    until(System.nanoTime(), deadline, what, condition);
  }

  /** Like {@link #until(Duration, String, BooleanSupplier)}, with the deadline counted from {@code sinceNanos}. */
  public static void until(long sinceNanos, Duration deadline, String what, BooleanSupplier condition) {
    long end = sinceNanos + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out after " + deadline + " waiting for " + what);
      }
      LockSupport.parkNanos(50_000_000L);
    }
  }
}
