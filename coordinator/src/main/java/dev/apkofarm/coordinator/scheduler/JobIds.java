package dev.apkofarm.coordinator.scheduler;

import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** Job ids: sortable by submission time, short enough to type ({@code j-<base36 millis>-<4 hex>}). */
final class JobIds {
  private JobIds() {}

  static String next(Clock clock) {
    return "j-" + Long.toString(clock.millis(), 36) + "-"
        + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
  }
}
