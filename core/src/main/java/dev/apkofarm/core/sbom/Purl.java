package dev.apkofarm.core.sbom;

import dev.apkofarm.core.CodePointOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Package URLs and SPDX identifiers as apko spells them (Go's {@code url.QueryEscape}, sorted qualifiers). */
final class Purl {
  private Purl() {}

  /** {@code pkg:oci/NAME@DIGEST?QUALIFIERS}. */
  static String oci(String name, String version, Map<String, String> qualifiers) {
    return "pkg:oci/" + pathEscape(name) + "@" + pathEscape(version) + "?" + qualifiers(qualifiers);
  }

  /** {@code k=v&…} sorted by key, values query-escaped. */
  static String qualifiers(Map<String, String> q) {
    TreeMap<String, String> sorted = new TreeMap<>(CodePointOrder.INSTANCE);
    sorted.putAll(q);
    StringBuilder sb = new StringBuilder();
    sorted.forEach(
        (k, v) -> {
          if (sb.length() > 0) {
            sb.append('&');
          }
          sb.append(k).append('=').append(queryEscape(v));
        });
    return sb.toString();
  }

  /** Go's {@code url.QueryEscape}. */
  static String queryEscape(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isUnreserved(c)) {
        sb.append((char) c);
      } else if (c == ' ') {
        sb.append('+');
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  /** Go's {@code url.PathEscape} (keeps {@code :@&=+$} and unreserved characters). */
  static String pathEscape(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isUnreserved(c) || ":@&=+$".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '.' || c == '~';
  }

  /**
   * apko's {@code stringToIdentifier}: {@code :} becomes {@code -}, and every byte outside {@code [a-zA-Z0-9-.]}
   * becomes {@code C<decimal byte>}.
   */
  static String spdxId(String in) {
    StringBuilder sb = new StringBuilder();
    for (byte b : in.replace(':', '-').getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.') {
        sb.append((char) c);
      } else {
        sb.append('C').append(c);
      }
    }
    return sb.toString();
  }

  /**
   * The name images are given in purls: the last component of the image reference's repository (e.g. {@code
   * golden} for {@code golden:latest}, {@code bar} for {@code registry.io/foo/bar:1}), or {@code image}.
   */
  static String imageName(String reference) {
    if (reference == null || reference.isBlank()) {
      return "image";
    }
    String r = reference;
    int at = r.indexOf('@');
    if (at >= 0) {
      r = r.substring(0, at);
    }
    int slash = r.lastIndexOf('/');
    int colon = r.lastIndexOf(':');
    if (colon > slash) {
      r = r.substring(0, colon);
    }
    slash = r.lastIndexOf('/');
    String last = slash < 0 ? r : r.substring(slash + 1);
    return last.isEmpty() ? "image" : last;
  }
}
