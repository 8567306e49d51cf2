package dev.apkofarm.core.apk.sign;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Optional;

/**
 * The RSA signature schemes of apk signature files, named by the middle part of {@code .SIGN.<scheme>.<key name>}:
 * {@code RSA} is PKCS#1 v1.5 over SHA-1 (legacy, Alpine), {@code RSA256} over SHA-256 (current practice).
 */
public enum SignatureAlgorithm {
  RSA_SHA1("RSA", "SHA1withRSA"),
  RSA_SHA256("RSA256", "SHA256withRSA");

  private final String scheme;
  private final String jca;

  SignatureAlgorithm(String scheme, String jca) {
    this.scheme = scheme;
    this.jca = jca;
  }

  /** The scheme as it appears in a signature file name, e.g. {@code RSA256}. */
  public String scheme() {
    return scheme;
  }

  /** The signature file name for a key, e.g. {@code .SIGN.RSA256.melange.rsa.pub}. */
  public String fileName(String keyName) {
    return ".SIGN." + scheme + "." + keyName;
  }

  /** The scheme of a signature file name's middle part; empty for schemes we skip (DSA, RSA512) or unknown. */
  public static Optional<SignatureAlgorithm> ofScheme(String scheme) {
    for (SignatureAlgorithm a : values()) {
      if (a.scheme.equals(scheme)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** A fresh JCA signature object for this scheme. */
  Signature newSignature() {
    try {
      return Signature.getInstance(jca);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(jca + " is available on every JVM", e);
    }
  }
}
