package dev.apkofarm.core;

/**
 * How text that came from outside (a config value, a package or file name, an index field) is shown in error
 * messages and logs: control characters, line and paragraph separators and bidirectional overrides are escaped (Go's
 * {@code %q} style: {@code \n}, {@code \x01}, {@code \u2028}), so a hostile name can neither forge a log line nor
 * hide part of a message. Every message that quotes an input goes through {@link #quote(String)}.
 */
public final class InputText {
  private InputText() {}

  /** {@code value} in double quotes, escaped; e.g. {@code "evil\nroot2"}. */
  public static String quote(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
    appendEscaped(sb, value, true);
    return sb.append('"').toString();
  }

  /**
   * {@code value} with every unsafe character (newlines too) escaped, without quotes: for text that is already set
   * apart, such as a path or a one-line message. Backslashes stay as they are.
   */
  public static String escape(String value) {
    if (!hasUnsafe(value)) {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length() + 8);
    value.codePoints().forEach(c -> {
      if (isUnsafe(c)) {
        appendCodePoint(sb, c, false);
      } else {
        sb.appendCodePoint(c);
      }
    });
    return sb.toString();
  }

  /**
   * A message made safe to print: every character {@link #isUnsafe(int)} but the newlines our own multi-line
   * messages use is escaped. The last line of defence where a message is printed or logged.
   */
  public static String printable(String message) {
    StringBuilder sb = null;
    for (int i = 0; i < message.length(); ) {
      int c = message.codePointAt(i);
      int next = i + Character.charCount(c);
      if (c != '\n' && isUnsafe(c)) {
        if (sb == null) {
          sb = new StringBuilder(message.length() + 8).append(message, 0, i);
        }
        appendCodePoint(sb, c, false);
      } else if (sb != null) {
        sb.appendCodePoint(c);
      }
      i = next;
    }
    return sb == null ? message : sb.toString();
  }

  /** Whether {@code value} holds a character that must not appear raw in a message or a line-based file. */
  public static boolean hasUnsafe(String value) {
    return value.codePoints().anyMatch(InputText::isUnsafe);
  }

  /**
   * C0 and C1 control characters, DEL, the Unicode line and paragraph separators and the bidirectional embedding,
   * override and isolate characters (which can make a name read differently from what it is).
   */
  public static boolean isUnsafe(int c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == 0x2028
        || c == 0x2029
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }

  private static void appendEscaped(StringBuilder sb, String value, boolean quoted) {
    value.codePoints().forEach(c -> appendCodePoint(sb, c, quoted));
  }

  private static void appendCodePoint(StringBuilder sb, int c, boolean quoted) {
    switch (c) {
      case '\n' -> sb.append("\\n");
      case '\r' -> sb.append("\\r");
      case '\t' -> sb.append("\\t");
      case '\\' -> sb.append("\\\\");
      case '"' -> sb.append(quoted ? "\\\"" : "\"");
      default -> {
        if (c < 0x100 && isUnsafe(c)) {
          sb.append(String.format("\\x%02x", c));
        } else if (isUnsafe(c)) {
          sb.append(String.format("\\u%04x", c));
        } else {
          sb.appendCodePoint(c);
        }
      }
    }
  }
}
