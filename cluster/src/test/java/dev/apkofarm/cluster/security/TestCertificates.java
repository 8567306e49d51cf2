package dev.apkofarm.cluster.security;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate, as PEM files. */
final class TestCertificates {
  final Path caCert;
  final Path serverCert;
  final Path serverKey;
  final Path clientCert;
  final Path clientKey;

  TestCertificates(Path dir) throws Exception {
    KeyPair ca = keys();
    X509Certificate caCertificate = sign(new X500Name("CN=test ca"), ca, new X500Name("CN=test ca"), ca, true, false);
    KeyPair server = keys();
    X509Certificate serverCertificate =
        sign(new X500Name("CN=test ca"), ca, new X500Name("CN=coordinator"), server, false, true);
    KeyPair client = keys();
    X509Certificate clientCertificate =
        sign(new X500Name("CN=test ca"), ca, new X500Name("CN=worker"), client, false, false);
    caCert = pem(dir.resolve("ca.crt"), caCertificate);
    serverCert = pem(dir.resolve("server.crt"), serverCertificate);
    serverKey = pem(dir.resolve("server.key"), server.getPrivate());
    clientCert = pem(dir.resolve("client.crt"), clientCertificate);
    clientKey = pem(dir.resolve("client.key"), client.getPrivate());
  }

  private static KeyPair keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject, KeyPair subjectKeys,
      boolean isCa, boolean serverNames) throws Exception {
    long now = System.currentTimeMillis();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now),
        new Date(now - 60_000), new Date(now + 86_400_000L), subject, subjectKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (serverNames) {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
  }

  private static Path pem(Path file, Object o) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      if (o instanceof PrivateKey k) {
        w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
      } else {
        w.writeObject(o);
      }
    }
    return Files.writeString(file, s.toString());
  }
}
