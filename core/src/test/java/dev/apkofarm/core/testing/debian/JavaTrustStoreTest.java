package dev.apkofarm.core.testing.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.testing.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-written JKS trust store, read back by the JDK itself. */
class JavaTrustStoreTest {
  private static final long CREATED = 1_704_067_200_000L;

  @TempDir Path dir;

  private Map<String, X509Certificate> certificates() throws Exception {
    TestCertificates generated = TestCertificates.generate(dir);
    Map<String, X509Certificate> m = new LinkedHashMap<>();
    m.put("debian:ca", read(generated.caCertificate()));
    m.put("debian:server", read(generated.serverCertificate()));
    return m;
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void theJdkReadsItAsAJksStoreWhoseIntegrityChecksWithTheDefaultPassword() throws Exception {
    Map<String, X509Certificate> certs = certificates();
    KeyStore store = KeyStore.getInstance("JKS");
    store.load(new ByteArrayInputStream(JavaTrustStore.write(certs, CREATED)), JavaTrustStore.PASSWORD.toCharArray());
    assertThat(Collections.list(store.aliases())).containsExactlyInAnyOrder("debian:ca", "debian:server");
    for (var e : certs.entrySet()) {
      assertThat(store.isCertificateEntry(e.getKey())).isTrue();
      assertThat(store.getCertificate(e.getKey())).isEqualTo(e.getValue());
      assertThat(store.getCreationDate(e.getKey())).isEqualTo(new Date(CREATED));
    }
  }

  @Test
  void theDefaultKeyStoreTypeReadsItTooAsTheJdkDoesForCacerts() throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(new ByteArrayInputStream(JavaTrustStore.write(certificates(), CREATED)), null);
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void aTamperedStoreFailsItsIntegrityCheck() throws Exception {
    byte[] bytes = JavaTrustStore.write(certificates(), CREATED);
    bytes[bytes.length / 2] ^= 1;
    KeyStore store = KeyStore.getInstance("JKS");
    assertThatThrownBy(() -> store.load(new ByteArrayInputStream(bytes), JavaTrustStore.PASSWORD.toCharArray()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void sameCertificatesGiveTheSameBytesWhateverTheirOrder() throws Exception {
    Map<String, X509Certificate> certs = certificates();
    Map<String, X509Certificate> reversed = new LinkedHashMap<>();
    certs.entrySet().stream().sorted(Map.Entry.<String, X509Certificate>comparingByKey().reversed())
        .forEach(e -> reversed.put(e.getKey(), e.getValue()));
    assertThat(JavaTrustStore.write(reversed, CREATED)).isEqualTo(JavaTrustStore.write(certs, CREATED));
  }

  @Test
  void refusesAnAliasTheJdkWouldLowerCase() throws Exception {
    X509Certificate ca = certificates().get("debian:ca");
    assertThatThrownBy(() -> JavaTrustStore.write(Map.of("Debian:CA", ca), CREATED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Debian:CA");
  }
}
