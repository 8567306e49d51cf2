package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import java.util.OptionalLong;

/** {@code $SOURCE_DATE_EPOCH}, the reproducible-builds date every building command honours. */
final class SourceDateEpoch {
  private SourceDateEpoch() {}

  /**
   * The variable's seconds since the epoch, or empty when it is unset or blank.
   *
   * @throws BadInputException when it is set to anything but a non-negative number
   */
  static OptionalLong read(ApkoClientCommand root) throws BadInputException {
    String v = root.env("SOURCE_DATE_EPOCH");
    if (v == null || v.isBlank()) {
      return OptionalLong.empty();
    }
    try {
      long seconds = Long.parseLong(v.trim());
      if (seconds >= 0) {
        return OptionalLong.of(seconds);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadInputException("SOURCE_DATE_EPOCH=\"" + v + "\" is not a non-negative number of seconds");
  }
}
