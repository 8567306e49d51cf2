package dev.apkofarm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.AdditionalCertificate;
import dev.apkofarm.core.config.Certificates;
import dev.apkofarm.core.fs.ImageTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Additional certificates reach an image's Java trust store, as the JRE reads it, the same bytes every build. */
class JavaTrustStoreTest {
  private static final String STORE = "etc/ssl/certs/java/cacerts";

  private static String testCa() throws Exception {
    try (InputStream in = JavaTrustStoreTest.class.getResourceAsStream("test-ca.pem")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A cacerts as keytool would write it: JKS, changeit, one certificate under "existing". */
  private static byte[] jks(String type) throws Exception {
    Certificate cert = CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(testCa().getBytes(StandardCharsets.US_ASCII)));
    KeyStore ks = KeyStore.getInstance(type);
    ks.load(null, null);
    ks.setCertificateEntry("existing", cert);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ks.store(out, JavaTrustStore.PASSWORD);
    return out.toByteArray();
  }

  private static byte[] finish(byte[] store) throws Exception {
    ImageTree tree = new ImageTree();
    tree.mkdirAll("etc/ssl/certs/java", 0755);
    tree.writeFile(STORE, store, 0644);
    Certificates certs = new Certificates(List.of(new AdditionalCertificate("Corp", testCa())), List.of());
    CaCertificates.install(tree, Optional.of(certs), List.of(), 1234);
    CaCertificates.writeChecksums(tree, 1234);
    assertThat(tree.stat("etc/ssl/certs/java/.cacerts.sha256")).isPresent();
    return tree.readFile(STORE);
  }

  @Test
  void addsTheCertificateUnderApkosAliasInAStoreTheJreLoads() throws Exception {
    byte[] original = jks("JKS");

    byte[] updated = finish(original);

    KeyStore ks = KeyStore.getInstance("JKS");
    ks.load(new ByteArrayInputStream(updated), JavaTrustStore.PASSWORD);
    String alias = "corp-" + CaCertificates.parse(testCa()).fingerprint();
    assertThat(Collections.list(ks.aliases())).containsExactlyInAnyOrder("existing", alias);
    assertThat(ks.isCertificateEntry(alias)).isTrue();
    assertThat(ks.getCreationDate(alias).getTime()).isEqualTo(1234_000L);
    assertThat(ks.getCertificate(alias)).isEqualTo(ks.getCertificate("existing"));
    assertThat(finish(original)).isEqualTo(updated);
  }

  @Test
  void refusesAStoreItCannotUpdateReproduciblyOrThatFailsItsCheck() throws Exception {
    assertThatThrownBy(() -> finish(jks("PKCS12")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("is not a JKS trust store");
    byte[] tampered = jks("JKS");
    tampered[tampered.length / 2] ^= 1;
    assertThatThrownBy(() -> finish(tampered)).hasMessageContaining("fails its integrity check");
  }
}
