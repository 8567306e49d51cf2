package dev.apkofarm.core.testing.debian;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Java trust store ({@code /etc/ssl/certs/java/cacerts}) in the JKS format every JDK reads as its default
 * {@code cacerts}: trusted-certificate entries only, protected by the JDK's default password {@code changeit}.
 *
 * <p>Written by hand rather than through {@code KeyStore.store} because the JDK stamps every entry with the current
 * time; here entries are sorted by alias and dated {@code created}, so the same certificates give the same bytes.
 * The layout (magic {@code FEEDFEED}, version 2, entries of tag 2 = trusted certificate, then a SHA-1 over the
 * password, the JDK's salt phrase and everything before it) is what {@code sun.security.provider.JavaKeyStore} reads.
 */
public final class JavaTrustStore {
  /** The password the JDK assumes for its default trust store. */
  public static final String PASSWORD = "changeit";

  private static final int MAGIC = 0xFEEDFEED;
  private static final int VERSION = 2;
  private static final int TRUSTED_CERTIFICATE = 2;
  // The JKS integrity check hashes this phrase after the password; it is part of the format.
  private static final byte[] SALT_PHRASE = "Mighty Aphrodite".getBytes(StandardCharsets.UTF_8);

  private JavaTrustStore() {}

  /**
   * The JKS bytes holding {@code certificates} by alias, each entry dated {@code createdMillis}.
   *
   * @throws IllegalArgumentException when an alias is not lower case (the JDK lower-cases aliases on load)
   */
  public static byte[] write(Map<String, X509Certificate> certificates, long createdMillis) {
    SortedMap<String, X509Certificate> sorted = new TreeMap<>(certificates);
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(sorted.size());
      for (Map.Entry<String, X509Certificate> e : sorted.entrySet()) {
        String alias = e.getKey();
        if (!alias.equals(alias.toLowerCase(java.util.Locale.ROOT))) {
          throw new IllegalArgumentException("trust store alias must be lower case: " + alias);
        }
        byte[] encoded = e.getValue().getEncoded();
        out.writeInt(TRUSTED_CERTIFICATE);
        out.writeUTF(alias);
        out.writeLong(createdMillis);
        out.writeUTF("X.509");
        out.writeInt(encoded.length);
        out.write(encoded);
      }
      out.flush();
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      for (char c : PASSWORD.toCharArray()) {
        sha1.update((byte) (c >> 8));
        sha1.update((byte) c);
      }
      sha1.update(SALT_PHRASE);
      sha1.update(bytes.toByteArray());
      out.write(sha1.digest());
      out.flush();
      return bytes.toByteArray();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("cannot encode a certificate: " + e.getMessage(), e);
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
