package dev.apkofarm.core.testing.debian;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Java trust store ({@code /etc/ssl/certs/java/cacerts}) in the JKS format every JDK reads as its default
 * {@code cacerts}: trusted-certificate entries only, protected by the JDK's default password {@code changeit}.
 *
 * <p>Written through core's {@link dev.apkofarm.core.image.JavaTrustStore} (the one JKS writer: sorted aliases,
 * entries dated {@code created}, so the same certificates give the same bytes) rather than {@code KeyStore.store},
 * which stamps every entry with the current time.
 */
public final class JavaTrustStore {
  /** The password the JDK assumes for its default trust store. */
  public static final String PASSWORD = "changeit";

  private JavaTrustStore() {}

  /**
   * The JKS bytes holding {@code certificates} by alias, each entry dated {@code createdMillis}.
   *
   * @throws IllegalArgumentException when an alias is not lower case (the JDK lower-cases aliases on load)
   */
  public static byte[] write(Map<String, X509Certificate> certificates, long createdMillis) {
    dev.apkofarm.core.image.JavaTrustStore store = dev.apkofarm.core.image.JavaTrustStore.empty();
    for (Map.Entry<String, X509Certificate> e : new TreeMap<>(certificates).entrySet()) {
      String alias = e.getKey();
      if (!alias.equals(alias.toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException("trust store alias must be lower case: " + alias);
      }
      try {
        store.addTrusted(alias, e.getValue().getEncoded(), createdMillis);
      } catch (CertificateEncodingException ex) {
        throw new IllegalArgumentException("cannot encode a certificate: " + ex.getMessage(), ex);
      }
    }
    return store.toBytes();
  }
}
