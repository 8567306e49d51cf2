package dev.apkofarm.core.config;

import java.util.OptionalLong;

/**
 * Integer literals as apko's YAML library (Go's yaml.v3) reads them: underscores ignored, an optional sign, then
 * {@code 0x} hex, {@code 0o} octal, {@code 0b} binary, a leading {@code 0} for YAML 1.1 octal ({@code 0755}), else
 * decimal.
 */
final class GoIntegers {
  private GoIntegers() {}

  /** The value of {@code text}, empty when it is not an integer literal or does not fit in a long. */
  static OptionalLong parse(String text) {
    String s = text.replace("_", "");
    boolean negative = false;
    if (s.startsWith("+") || s.startsWith("-")) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    int radix = 10;
    String lower = s.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("0x")) {
      radix = 16;
      s = s.substring(2);
    } else if (lower.startsWith("0o")) {
      radix = 8;
      s = s.substring(2);
    } else if (lower.startsWith("0b")) {
      radix = 2;
      s = s.substring(2);
    } else if (s.length() > 1 && s.startsWith("0")) {
      radix = 8;
      s = s.substring(1);
    }
    if (s.isEmpty() || s.startsWith("+") || s.startsWith("-")) {
      return OptionalLong.empty();
    }
    try {
      long v = Long.parseLong(s, radix);
      return OptionalLong.of(negative ? -v : v);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Whether {@code text} is a plain decimal whose digits are all octal digits (e.g. {@code 755}): apko reads it as
   * decimal, which is rarely what a mode was meant to be.
   */
  static boolean isDecimalThatLooksOctal(String text) {
    return text.length() >= 2 && !text.startsWith("0") && text.chars().allMatch(c -> c >= '0' && c <= '7');
  }
}
