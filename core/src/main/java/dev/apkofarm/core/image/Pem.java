package dev.apkofarm.core.image;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM decoding and Go-style encoding ({@code encoding/pem}: 64-column base64, no headers). */
final class Pem {
  private Pem() {}

  /** A decoded block. */
  record Block(String type, byte[] bytes) {}

  /** Every well-formed {@code -----BEGIN X----- … -----END X-----} block, in order. */
  static List<Block> decodeAll(String text) {
    List<Block> out = new ArrayList<>();
    int pos = 0;
    while (true) {
      int begin = text.indexOf("-----BEGIN ", pos);
      if (begin < 0) {
        return out;
      }
      int typeEnd = text.indexOf("-----", begin + 11);
      if (typeEnd < 0) {
        return out;
      }
      String type = text.substring(begin + 11, typeEnd);
      String endMarker = "-----END " + type + "-----";
      int end = text.indexOf(endMarker, typeEnd + 5);
      if (end < 0) {
        return out;
      }
      String body = text.substring(typeEnd + 5, end);
      StringBuilder b64 = new StringBuilder();
      for (String line : body.split("\n")) {
        String l = line.strip();
        if (l.contains(":")) {
          continue; // header line
        }
        b64.append(l);
      }
      try {
        out.add(new Block(type, Base64.getDecoder().decode(b64.toString())));
      } catch (IllegalArgumentException e) {
        return out;
      }
      pos = end + endMarker.length();
    }
  }

  /** {@code -----BEGIN TYPE-----\n<base64, 64 per line>\n-----END TYPE-----\n}. */
  static byte[] encode(String type, byte[] der) {
    String b64 = Base64.getEncoder().encodeToString(der);
    StringBuilder sb = new StringBuilder("-----BEGIN ").append(type).append("-----\n");
    for (int i = 0; i < b64.length(); i += 64) {
      sb.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    sb.append("-----END ").append(type).append("-----\n");
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
