package dev.apkofarm.core.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA and a server certificate for 127.0.0.1/localhost signed by it, written as PEM files, for a TLS
 * registry in tests.
 *
 * @param caCertificate the CA certificate (what {@code --ca-cert} gets)
 * @param serverCertificate the server certificate
 * @param serverKey the server's PKCS#8 private key
 */
public record TestCertificates(Path caCertificate, Path serverCertificate, Path serverKey) {

  /** Generates the CA and server certificate into {@code dir}. */
  public static TestCertificates generate(Path dir) throws IOException {
    return generate(dir, new String[0]);
  }

  /**
   * Generates the CA and a server certificate that also names {@code dnsNames} (e.g. the name containers dial a
   * coordinator by) into {@code dir}.
   */
  public static TestCertificates generate(Path dir, String... dnsNames) throws IOException {
    try {
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(256);
      KeyPair caKeys = ec.generateKeyPair();
      X500Name caName = new X500Name("CN=apko-farm test CA");
      Instant now = Instant.now();
      Date from = Date.from(now.minus(Duration.ofHours(1)));
      Date to = Date.from(now.plus(Duration.ofDays(2)));
      X509v3CertificateBuilder ca =
          new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, to, caName, caKeys.getPublic());
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate caCert = sign(ca, caKeys);

      KeyPair serverKeys = ec.generateKeyPair();
      X509v3CertificateBuilder server =
          new JcaX509v3CertificateBuilder(
              caName, BigInteger.TWO, from, to, new X500Name("CN=127.0.0.1"), serverKeys.getPublic());
      server.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names(dnsNames)));
      server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      server.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      X509Certificate serverCert = sign(server, caKeys);

      Path caFile = dir.resolve("ca.crt");
      Path certFile = dir.resolve("server.crt");
      Path keyFile = dir.resolve("server.key");
      Files.writeString(caFile, pem("CERTIFICATE", caCert.getEncoded()), StandardCharsets.US_ASCII);
      Files.writeString(certFile, pem("CERTIFICATE", serverCert.getEncoded()), StandardCharsets.US_ASCII);
      Files.writeString(keyFile, pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
      return new TestCertificates(caFile, certFile, keyFile);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot generate test certificates", e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  /** An SSL context serving the server certificate (for in-process HTTPS servers in tests). */
  public javax.net.ssl.SSLContext serverContext() throws IOException {
    try {
      String keyPem = Files.readString(serverKey, StandardCharsets.US_ASCII);
      byte[] der =
          Base64.getMimeDecoder()
              .decode(keyPem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", ""));
      java.security.PrivateKey key =
          java.security.KeyFactory.getInstance("EC").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
      java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509");
      java.security.cert.Certificate cert;
      try (var in = Files.newInputStream(serverCertificate)) {
        cert = cf.generateCertificate(in);
      }
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] pw = "test".toCharArray();
      ks.setKeyEntry("server", key, pw, new java.security.cert.Certificate[] {cert});
      javax.net.ssl.KeyManagerFactory kmf =
          javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load the test server key", e);
    }
  }

  /** PEM armour around DER bytes. */
  private static GeneralName[] names(String... dnsNames) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    for (String n : dnsNames) {
      names.add(new GeneralName(GeneralName.dNSName, n));
    }
    return names.toArray(GeneralName[]::new);
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
