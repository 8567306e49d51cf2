package dev.apkofarm.core;

import java.util.Comparator;

/**
 * Orders strings by Unicode code point, which is the byte order of their UTF-8 encodings: Go's string order, used
 * wherever apko sorts names (directory entries, map keys, package names), so that our order is its order exactly
 * ({@link String#compareTo} differs for characters beyond the BMP).
 */
public final class CodePointOrder implements Comparator<String> {
  public static final CodePointOrder INSTANCE = new CodePointOrder();

  private CodePointOrder() {}

  @Override
  public int compare(String a, String b) {
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
