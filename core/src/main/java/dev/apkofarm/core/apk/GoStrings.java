package dev.apkofarm.core.apk;

import java.util.Comparator;

/**
 * Go's string order (bytewise UTF-8, which is code point order), used wherever apko sorts names so that our order
 * matches its order exactly. Java's {@link String#compareTo} differs for characters outside the BMP.
 */
final class GoStrings {
  static final Comparator<String> ORDER = GoStrings::compare;

  private GoStrings() {}

  static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
