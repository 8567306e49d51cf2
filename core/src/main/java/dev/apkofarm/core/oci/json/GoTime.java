package dev.apkofarm.core.oci.json;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formats times as Go's {@code time.RFC3339} in UTC, e.g. {@code 1970-01-01T00:00:00Z} (whole seconds only). */
public final class GoTime {
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private GoTime() {}

  /** The RFC 3339 form of {@code t}, truncated to the second. */
  public static String format(Instant t) {
    return RFC3339.format(t);
  }
}
