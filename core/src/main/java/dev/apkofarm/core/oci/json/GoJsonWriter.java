package dev.apkofarm.core.oci.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes JSON exactly as Go's {@code encoding/json} does, which is how apko serialises configs, manifests, indexes,
 * lock files, {@code /etc/apko.json} and SBOMs: strings HTML-escaped ({@code <>&} as {@code \\u003c},
 * {@code \\u003e}, {@code \\u0026}, other control characters as {@code \\u00XX} except {@code \b \f \n \r \t},
 * U+2028/U+2029 escaped, invalid UTF-16 as U+FFFD), no spaces in compact mode, and in indented mode Go's
 * {@code json.Indent} layout (empty objects and arrays stay {@code {}} and {@code []}). Field order and
 * {@code omitempty} are the caller's business.
 *
 * <p>Every byte-exact JSON output of the engine goes through this class.
 */
public final class GoJsonWriter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder sb = new StringBuilder(256);
  private final String indent;
  /** Element counts of the open objects/arrays. */
  private final Deque<int[]> counts = new ArrayDeque<>();
  private boolean afterName;

  private GoJsonWriter(String indent) {
    this.indent = indent;
  }

  /** Compact output, as {@code json.Marshal}. */
  public static GoJsonWriter compact() {
    return new GoJsonWriter(null);
  }

  /** Indented output, as {@code json.MarshalIndent(v, "", indent)}. */
  public static GoJsonWriter indented(String indent) {
    return new GoJsonWriter(indent);
  }

  public GoJsonWriter beginObject() {
    beforeValue();
    sb.append('{');
    counts.push(new int[1]);
    return this;
  }

  public GoJsonWriter endObject() {
    return close('}');
  }

  public GoJsonWriter beginArray() {
    beforeValue();
    sb.append('[');
    counts.push(new int[1]);
    return this;
  }

  public GoJsonWriter endArray() {
    return close(']');
  }

  private GoJsonWriter close(char c) {
    int[] count = counts.pop();
    if (indent != null && count[0] > 0) {
      newline(counts.size());
    }
    sb.append(c);
    return this;
  }

  /** Starts a member of the current object. */
  public GoJsonWriter name(String name) {
    int[] count = counts.peek();
    if (count[0]++ > 0) {
      sb.append(',');
    }
    if (indent != null) {
      newline(counts.size());
    }
    quote(name);
    sb.append(':');
    if (indent != null) {
      sb.append(' ');
    }
    afterName = true;
    return this;
  }

  public GoJsonWriter value(String s) {
    beforeValue();
    quote(s);
    return this;
  }

  public GoJsonWriter value(long n) {
    beforeValue();
    sb.append(n);
    return this;
  }

  public GoJsonWriter value(boolean b) {
    beforeValue();
    sb.append(b);
    return this;
  }

  public GoJsonWriter nullValue() {
    beforeValue();
    sb.append("null");
    return this;
  }

  /** {@code "name":"value"}. */
  public GoJsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  /** {@code "name":n}. */
  public GoJsonWriter field(String name, long value) {
    return name(name).value(value);
  }

  /** {@code "name":true|false}. */
  public GoJsonWriter field(String name, boolean value) {
    return name(name).value(value);
  }

  /** The field only if {@code value} is not empty (Go's {@code omitempty} for strings). */
  public GoJsonWriter fieldOmitEmpty(String name, String value) {
    return value == null || value.isEmpty() ? this : field(name, value);
  }

  /** A string array member (written even if empty). */
  public GoJsonWriter field(String name, Iterable<String> values) {
    name(name).beginArray();
    for (String v : values) {
      value(v);
    }
    return endArray();
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
      return;
    }
    int[] count = counts.peek();
    if (count == null) {
      return;
    }
    if (count[0]++ > 0) {
      sb.append(',');
    }
    if (indent != null) {
      newline(counts.size());
    }
  }

  private void newline(int depth) {
    sb.append('\n');
    for (int i = 0; i < depth; i++) {
      sb.append(indent);
    }
  }

  private void quote(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
          sb.append(c);
          continue;
        }
        switch (c) {
          case '"', '\\' -> sb.append('\\').append(c);
          case '\b' -> sb.append("\\b");
          case '\f' -> sb.append("\\f");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
        }
      } else if (c == '\u2028' || c == '\u2029') {
        sb.append("\\u202").append(HEX[c & 0xf]);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append("\\ufffd");
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  /** The JSON text so far. */
  @Override
  public String toString() {
    return sb.toString();
  }

  /** The JSON as UTF-8 bytes, without a trailing newline. */
  public byte[] toBytes() {
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The JSON as UTF-8 bytes with the newline {@code json.Encoder.Encode} appends. */
  public byte[] toEncoderBytes() {
    return (sb + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
