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
 * PEM decoding and encoding of RSA keys: public keys as X.509 SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY}) or
 * PKCS#1 ({@code BEGIN RSA PUBLIC KEY}); private keys as PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}, what {@code openssl genrsa} and abuild-keygen write). The JDK reads the X.509 and
 * PKCS#8 forms; the PKCS#1 forms are a short DER sequence of integers we read ourselves.
 */
public final class Pem {
  private Pem() {}

  /** Parses the first RSA public key in {@code pem}; {@code what} names the key in errors. */
  public static RSAPublicKey publicKey(byte[] pem, String what) {
    Block block = firstBlock(pem, what);
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
    Block block = firstBlock(pem, what);
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
    String b64 = Base64.getEncoder().encodeToString(key.getEncoded());
    StringBuilder sb = new StringBuilder("-----BEGIN PUBLIC KEY-----\n");
    for (int i = 0; i < b64.length(); i += 64) {
      sb.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    return sb.append("-----END PUBLIC KEY-----\n").toString();
  }

  private record Block(String label, byte[] der, boolean encrypted) {}

  private static Block firstBlock(byte[] pem, String what) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN ");
    if (begin < 0) {
      throw new IllegalArgumentException(what + ": not a PEM key (no -----BEGIN line)");
    }
    int labelEnd = text.indexOf("-----", begin + 11);
    if (labelEnd < 0) {
      throw new IllegalArgumentException(what + ": malformed PEM header");
    }
    String label = text.substring(begin + 11, labelEnd).trim().toUpperCase(Locale.ROOT);
    String endMarker = "-----END " + label + "-----";
    int end = text.indexOf(endMarker, labelEnd);
    if (end < 0) {
      throw new IllegalArgumentException(what + ": PEM block \"" + label + "\" has no END line");
    }
    List<String> lines = new ArrayList<>();
    boolean encrypted = false;
    for (String line : text.substring(labelEnd + 5, end).split("\r?\n")) {
      String l = line.trim();
      if (l.isEmpty()) {
        continue;
      }
      if (l.contains(":")) {
        // RFC 1421 headers, e.g. "Proc-Type: 4,ENCRYPTED".
        encrypted |= l.toUpperCase(Locale.ROOT).contains("ENCRYPTED");
        continue;
      }
      lines.add(l);
    }
    try {
      return new Block(label, Base64.getMimeDecoder().decode(String.join("", lines)), encrypted);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": malformed base64 in PEM block \"" + label + "\"", e);
    }
  }
}
