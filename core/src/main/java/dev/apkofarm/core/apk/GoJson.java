package dev.apkofarm.core.apk;

import java.util.List;
import java.util.Map;

/**
 * Writes JSON the way Go's {@code json.MarshalIndent(v, "", "  ")} does: two-space indent, {@code "key": value},
 * {@code []} and {@code {}} for empty collections, and Go's string escaping ({@code <}, {@code >}, {@code &},
 * U+2028 and U+2029 as {@code \\u} escapes; other non-ASCII as is). Values are strings, numbers, booleans, maps
 * (insertion-ordered) and lists.
 */
final class GoJson {
  private GoJson() {}

  static void write(StringBuilder sb, Object value, String indent) {
    if (value instanceof String s) {
      string(sb, s);
    } else if (value instanceof Number || value instanceof Boolean) {
      sb.append(value);
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      String inner = indent + "  ";
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        sb.append(inner);
        string(sb, (String) e.getKey());
        sb.append(": ");
        write(sb, e.getValue(), inner);
        sb.append(++i < map.size() ? ",\n" : "\n");
      }
      sb.append(indent).append('}');
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append("[\n");
      String inner = indent + "  ";
      for (int i = 0; i < list.size(); i++) {
        sb.append(inner);
        write(sb, list.get(i), inner);
        sb.append(i + 1 < list.size() ? ",\n" : "\n");
      }
      sb.append(indent).append(']');
    } else if (value == null) {
      sb.append("null");
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass() + " as JSON");
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            sb.append("\\u00").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            if (c == '\u2028' || c == '\u2029') {
              sb.setLength(sb.length() - 6);
              sb.append(c == '\u2028' ? "\\u2028" : "\\u2029");
            }
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
