package dev.apkofarm.core.image;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.sign.Pem;
import dev.apkofarm.core.config.AdditionalCertificate;
import dev.apkofarm.core.config.Certificates;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.fs.TreeException;
import dev.apkofarm.core.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * apko's {@code installCertificates} and {@code writeCABundleChecksums}: configured PEM certificates (and those
 * shipped by packages providing a configured virtual) are written to {@code /usr/local/share/ca-certificates} and
 * appended to the CA bundles present and added to the Java trust store ({@link JavaTrustStore}, JKS) if the image
 * has one; then every bundle and the trust store get a {@code sha256sum} sidecar ({@code .NAME.sha256}, 0444).
 */
final class CaCertificates {
  static final String CERTS_DIR = "usr/local/share/ca-certificates";
  static final List<String> BUNDLES =
      List.of(
          "etc/ssl/certs/ca-certificates.crt",
          "var/lib/ecs/deps/execute-command/certs/tls-ca-bundle.pem",
          "kaniko/ssl/certs/ca-certificates.crt");
  static final String JAVA_TRUSTSTORE = "etc/ssl/certs/java/cacerts";

  private CaCertificates() {}

  /**
   * A parsed certificate: its canonical PEM, its DER, the hex SHA-256 of its DER and its trust store alias (apko's:
   * {@code NAME-<fingerprint>} for configured ones, {@code pkg-<fingerprint>} for package ones).
   */
  record Cert(byte[] pem, byte[] der, String fingerprint, String alias) {
    Cert withAlias(String a) {
      return new Cert(pem, der, fingerprint, a);
    }
  }

  /** A package's files as the installed database lists them. */
  record ProviderFiles(List<String> provides, List<String> files) {}

  static void install(
      ImageTree tree, Optional<Certificates> config, List<ProviderFiles> installed, long builtTime)
      throws BadInputException, IOException {
    if (config.isEmpty()) {
      return;
    }
    List<Cert> certs = new ArrayList<>();
    if (!config.get().additional().isEmpty()) {
      tree.mkdirAll(CERTS_DIR, 0755);
      for (AdditionalCertificate a : config.get().additional()) {
        Cert c;
        try {
          c = parse(a.content());
        } catch (IllegalArgumentException e) {
          throw new BadInputException("certificates.additional \"" + a.name() + "\": " + e.getMessage());
        }
        String path = CERTS_DIR + "/" + a.name() + "-" + c.fingerprint() + ".crt";
        tree.writeFile(path, c.pem(), 0644);
        tree.chtimes(path, builtTime);
        certs.add(c.withAlias(a.name() + "-" + c.fingerprint()));
      }
    }
    if (!config.get().providers().isEmpty()) {
      TreeSet<String> files = new TreeSet<>();
      for (ProviderFiles p : installed) {
        if (p.provides().stream().noneMatch(config.get().providers()::contains)) {
          continue;
        }
        for (String f : p.files()) {
          if (f.startsWith(CERTS_DIR + "/") && (f.endsWith(".crt") || f.endsWith(".pem"))) {
            files.add(f);
          }
        }
      }
      for (String f : files) {
        try {
          Cert c = parse(new String(tree.readFile(f), StandardCharsets.UTF_8));
          certs.add(c.withAlias("pkg-" + c.fingerprint()));
        } catch (IllegalArgumentException e) {
          // apko skips package files that are not exactly one certificate
        }
      }
    }
    if (certs.isEmpty()) {
      return;
    }
    for (String bundle : BUNDLES) {
      if (tree.stat(bundle).filter(n -> n instanceof RegularFile).isEmpty()) {
        continue;
      }
      for (Cert c : certs) {
        tree.appendFile(bundle, c.pem());
        tree.appendFile(bundle, "\n".getBytes(StandardCharsets.UTF_8));
      }
      tree.chtimes(bundle, builtTime);
    }
    if (tree.lstat(JAVA_TRUSTSTORE).filter(n -> n instanceof RegularFile).isPresent()) {
      JavaTrustStore ts = JavaTrustStore.read(tree.readFile(JAVA_TRUSTSTORE), "/" + JAVA_TRUSTSTORE);
      for (Cert c : certs) {
        ts.addTrusted(c.alias(), c.der(), builtTime * 1000);
      }
      RegularFile old = (RegularFile) tree.stat(JAVA_TRUSTSTORE).orElseThrow();
      tree.writeFile(JAVA_TRUSTSTORE, ts.toBytes(), old.mode() & 07777);
      tree.chtimes(JAVA_TRUSTSTORE, builtTime);
    }
  }

  /** Writes {@code .NAME.sha256} next to every CA bundle and Java truststore present. */
  static void writeChecksums(ImageTree tree, long builtTime) throws TreeException, IOException {
    List<String> stores = new ArrayList<>(BUNDLES);
    stores.add(JAVA_TRUSTSTORE);
    for (String store : stores) {
      Optional<Node> n = tree.stat(store);
      if (n.isEmpty() || !(n.get() instanceof RegularFile f)) {
        continue;
      }
      Digest sum = sha256(f);
      int slash = store.lastIndexOf('/');
      String base = store.substring(slash + 1);
      String sidecar = store.substring(0, slash + 1) + "." + base + ".sha256";
      tree.writeFile(sidecar, (sum.hex() + "  " + base + "\n").getBytes(StandardCharsets.UTF_8), 0444);
      tree.chtimes(sidecar, builtTime);
    }
  }

  private static Digest sha256(RegularFile f) throws IOException {
    java.security.MessageDigest md = Digest.newSha256();
    try (java.io.InputStream in = f.content().open()) {
      byte[] buf = new byte[1 << 16];
      int k;
      while ((k = in.read(buf)) > 0) {
        md.update(buf, 0, k);
      }
    }
    return Digest.sha256(md.digest());
  }

  /** Exactly one PEM {@code CERTIFICATE}, parsed, re-encoded without surrounding text. */
  static Cert parse(String pem) {
    List<Pem.Block> blocks = Pem.decodeAll(pem);
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("no certificates found in PEM data");
    }
    if (blocks.size() > 1) {
      throw new IllegalArgumentException("multiple certificates found; only one is allowed");
    }
    Pem.Block b = blocks.get(0);
    if (!b.type().equals("CERTIFICATE")) {
      throw new IllegalArgumentException("expected CERTIFICATE block, got " + b.type());
    }
    try {
      CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(b.bytes()));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("failed to parse certificate: " + e.getMessage(), e);
    }
    return new Cert(Pem.encode("CERTIFICATE", b.bytes()), b.bytes(), Digest.of(b.bytes()).hex(), "");
  }

}
