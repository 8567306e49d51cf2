package dev.apkofarm.core.apk.sign;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * PEM, the one reader and writer of it: blocks decoded and encoded as Go's {@code encoding/pem} does (64-column
 * base64, RFC 1421 header lines skipped), and RSA keys read from them: public keys as X.509 SubjectPublicKeyInfo
 * ({@code BEGIN PUBLIC KEY}) or PKCS#1 ({@code BEGIN RSA PUBLIC KEY}); private keys as PKCS#8 ({@code BEGIN PRIVATE
 * KEY}) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, what {@code openssl genrsa} and abuild-keygen write). The JDK reads
 * the X.509 and PKCS#8 forms; the PKCS#1 forms are a short DER sequence of integers we read ourselves.
 */
public final class Pem {
  private Pem() {}

  /** Parses the first RSA public key in {@code pem}; {@code what} names the key in errors. */
  public static RSAPublicKey publicKey(byte[] pem, String what) {
    KeyBlock block = firstBlock(pem, what);
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      switch (block.label) {
        case "PUBLIC KEY":
          return (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(block.der));
        case "RSA PUBLIC KEY":
          {
            Der.Reader seq = new Der.Reader(block.der).sequence();
            BigInteger n = seq.integer();
            BigInteger e = seq.integer();
            return (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(n, e));
          }
        default:
          throw new IllegalArgumentException(what + ": expected an RSA public key, found \"" + block.label + "\"");
      }
    } catch (GeneralSecurityException | ClassCastException | IllegalStateException e) {
      throw new IllegalArgumentException(what + ": not a valid RSA public key: " + e.getMessage(), e);
    }
  }

  /** Parses the first RSA private key in {@code pem}; {@code what} names the key in errors. */
  static RSAPrivateCrtKey privateKey(byte[] pem, String what) {
    KeyBlock block = firstBlock(pem, what);
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      switch (block.label) {
        case "PRIVATE KEY":
          return (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(block.der));
        case "RSA PRIVATE KEY":
          {
            if (block.encrypted) {
              throw new IllegalArgumentException(what + ": encrypted private keys are not supported");
            }
            Der.Reader seq = new Der.Reader(block.der).sequence();
            seq.integer(); // version
            BigInteger n = seq.integer();
            BigInteger e = seq.integer();
            BigInteger d = seq.integer();
            BigInteger p = seq.integer();
            BigInteger q = seq.integer();
            BigInteger dp = seq.integer();
            BigInteger dq = seq.integer();
            BigInteger qinv = seq.integer();
            return (RSAPrivateCrtKey) rsa.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, qinv));
          }
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(what + ": encrypted private keys are not supported");
        default:
          throw new IllegalArgumentException(what + ": expected an RSA private key, found \"" + block.label + "\"");
      }
    } catch (GeneralSecurityException | ClassCastException | IllegalStateException e) {
      throw new IllegalArgumentException(what + ": not a valid RSA private key: " + e.getMessage(), e);
    }
  }

  /** The public half of a private key. */
  static RSAPublicKey publicOf(RSAPrivateCrtKey key) {
    try {
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA")
              .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is available on every JVM", e);
    }
  }

  /** {@code -----BEGIN PUBLIC KEY-----} PEM text of a public key, 64-column base64, trailing newline. */
  public static String encodePublic(RSAPublicKey key) {
    return new String(encode("PUBLIC KEY", key.getEncoded()), StandardCharsets.US_ASCII);
  }

  /** A decoded block: its type ({@code CERTIFICATE}, {@code PUBLIC KEY}, ...) and its DER bytes. */
  public record Block(String type, byte[] bytes) {}

  /**
   * Every well-formed {@code -----BEGIN X----- … -----END X-----} block, in order; reading stops at the first block
   * without an END line or with malformed base64, as Go's {@code pem.Decode} loop does.
   */
  public static List<Block> decodeAll(String text) {
    List<Block> out = new ArrayList<>();
    int pos = 0;
    for (Raw raw = Raw.next(text, pos); raw != null; raw = Raw.next(text, pos)) {
      try {
        out.add(new Block(raw.type, Base64.getDecoder().decode(raw.base64)));
      } catch (IllegalArgumentException e) {
        return out;
      }
      pos = raw.end;
    }
    return out;
  }

  /** {@code -----BEGIN TYPE-----\n<base64, 64 per line>\n-----END TYPE-----\n}. */
  public static byte[] encode(String type, byte[] der) {
    String b64 = Base64.getEncoder().encodeToString(der);
    StringBuilder sb = new StringBuilder("-----BEGIN ").append(type).append("-----\n");
    for (int i = 0; i < b64.length(); i += 64) {
      sb.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    sb.append("-----END ").append(type).append("-----\n");
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * One block as written, not yet decoded: its type, its base64 lines joined, whether an RFC 1421 header line says it
   * is encrypted, and where the text after it starts.
   */
  private record Raw(String type, String base64, boolean encrypted, int end) {
    /** The first block at or after {@code from}; null when there is none or it has no END line. */
    static Raw next(String text, int from) {
      int begin = text.indexOf("-----BEGIN ", from);
      if (begin < 0) {
        return null;
      }
      int typeEnd = text.indexOf("-----", begin + 11);
      if (typeEnd < 0) {
        return null;
      }
      String type = text.substring(begin + 11, typeEnd);
      String endMarker = "-----END " + type + "-----";
      int end = text.indexOf(endMarker, typeEnd + 5);
      if (end < 0) {
        return null;
      }
      StringBuilder b64 = new StringBuilder();
      boolean encrypted = false;
      for (String line : text.substring(typeEnd + 5, end).split("\n")) {
        String l = line.strip();
        if (l.contains(":")) {
          // RFC 1421 headers, e.g. "Proc-Type: 4,ENCRYPTED".
          encrypted |= l.toUpperCase(Locale.ROOT).contains("ENCRYPTED");
          continue;
        }
        b64.append(l);
      }
      return new Raw(type, b64.toString(), encrypted, end + endMarker.length());
    }
  }

  /** A key's block: the first one, decoded leniently (MIME base64), or an error naming the key. */
  private record KeyBlock(String label, byte[] der, boolean encrypted) {}

  private static KeyBlock firstBlock(byte[] pem, String what) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN ");
    if (begin < 0) {
      throw new IllegalArgumentException(what + ": not a PEM key (no -----BEGIN line)");
    }
    if (text.indexOf("-----", begin + 11) < 0) {
      throw new IllegalArgumentException(what + ": malformed PEM header");
    }
    Raw raw = Raw.next(text, begin);
    if (raw == null) {
      String label = text.substring(begin + 11, text.indexOf("-----", begin + 11)).trim();
      throw new IllegalArgumentException(what + ": PEM block \"" + label + "\" has no END line");
    }
    String label = raw.type.trim().toUpperCase(Locale.ROOT);
    try {
      return new KeyBlock(label, Base64.getMimeDecoder().decode(raw.base64), raw.encrypted);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": malformed base64 in PEM block \"" + label + "\"", e);
    }
  }
}
