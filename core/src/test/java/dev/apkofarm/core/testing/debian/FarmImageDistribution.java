package dev.apkofarm.core.testing.debian;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.io.TemporaryDirectory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An offline stand-in for the Wolfi packages that {@code deploy/apko-farm.yaml} (the farm's own runtime image) names,
 * made from Debian 12 packages so the image builds on machines that reach only Debian's mirrors.
 *
 * <p>The packages the config asks for by name carry Wolfi's names and Wolfi's layout where the config relies on it:
 * {@code openjdk-17-jre} (Debian's {@code openjdk-17-jre-headless}, with Wolfi's {@code /usr/lib/jvm/java-17-openjdk}
 * as a link to Debian's directory), {@code java-common-jre} ({@code /usr/bin/java} and {@code keytool} through
 * {@code /usr/lib/jvm/default-jvm}, the links Debian's {@code update-alternatives} would make at install time),
 * {@code openjdk-17-default-jvm} (the {@code default-jvm} link), {@code java-cacerts} (the JKS trust store Debian's
 * {@code ca-certificates-java} would generate), {@code ca-certificates-bundle}, {@code busybox}, {@code bash} and
 * {@code wolfi-baselayout}. Everything else is the shared libraries those link, one package per Debian package, found
 * through {@code so:} dependencies computed from the ELF files (the closure of Debian 12's
 * {@code openjdk-17-jre-headless} and {@code bash}). Contents are Debian's, so the image is not Wolfi's; the config
 * and the daemons' behaviour are the same.
 */
public final class FarmImageDistribution {
  /** The {@code ID} in the stand-in's {@code /etc/os-release}. */
  public static final String OS_ID = "apkofarm-offline";

  /**
   * The Debian 12 packages whose shared libraries the JRE and bash need: the {@code so:} closure of
   * {@code openjdk-17-jre-headless} and {@code bash} without glibc. A missing one makes the build fail naming the
   * unmet {@code so:} dependency.
   */
  static final List<String> LIBRARIES =
      List.of(
          "zlib1g", "libgcc-s1", "libstdc++6", "libasound2", "libjpeg62-turbo", "liblcms2-2", "libpcsclite1",
          "libfreetype6", "libbrotli1", "libpng16-16", "libharfbuzz0b", "libgraphite2-3", "libglib2.0-0",
          "libffi8", "libmount1", "libblkid1", "libselinux1", "libpcre2-8-0", "libtinfo6");

  /** Arch-independent: qualified so that apt downloads it for a foreign arch too. */
  private static final String CA_CERTIFICATES = "ca-certificates:all";

  /** Dropped besides {@link ApkRecipe#DEBIAN_NOISE}: translations, info pages, debug links, menu entries. */
  private static final String[] MORE_NOISE = {
    "/usr/share/locale", "/usr/share/info", "/usr/share/menu", "/usr/share/gdb", "/usr/share/debianutils",
    "/usr/lib/debug"
  };

  private final DebianArchive archive;
  private final Path scratch;

  /** Downloads through {@code archive}; unpacks what it inspects (busybox, CA certificates) under {@code scratch}. */
  public FarmImageDistribution(DebianArchive archive, Path scratch) {
    this.archive = archive;
    this.scratch = scratch;
  }

  /** Every recipe for {@code arch}, dependencies first. Downloads what it needs to read (cached). */
  public List<ApkRecipe> recipes(Arch arch) throws IOException {
    List<String> debs = new ArrayList<>(List.of("libc6", "busybox-static", "bash", CA_CERTIFICATES));
    debs.addAll(LIBRARIES);
    debs.add("openjdk-17-jre-headless");
    archive.prefetch(debs, arch);
    List<ApkRecipe> recipes = new ArrayList<>();
    recipes.add(baselayout());
    recipes.add(TestDistribution.glibc());
    for (String library : LIBRARIES) {
      recipes.add(
          ApkRecipe.fromDebian(library, "Shared libraries (Debian " + library + ")", library)
              .withExcludes(MORE_NOISE));
    }
    recipes.add(TestDistribution.busybox(TestDistribution.busyboxApplets(archive, scratch)));
    recipes.add(
        ApkRecipe.fromDebian("bash", "GNU Bourne Again shell (Debian bash)", "bash")
            .withExcludes(MORE_NOISE)
            .withExcludes("/usr/bin/bashbug", "/usr/bin/clear_console"));
    CaCertificates ca = caCertificates(arch);
    recipes.add(
        ApkRecipe.empty("ca-certificates-bundle", ca.version(), "CA certificates (Debian ca-certificates)")
            .withFile("/etc/ssl/certs/ca-certificates.crt", ca.bundle())
            .withSymlink("/etc/ssl/cert.pem", "certs/ca-certificates.crt"));
    // The trust store is binary; FarmImageRepository writes it into this package's tree (trustStore()).
    recipes.add(
        ApkRecipe.empty("java-cacerts", ca.version(), "CA certificates as a Java trust store (Debian ca-certificates)")
            .withDepends("ca-certificates-bundle"));
    DebPackage jre = archive.fetch("openjdk-17-jre-headless", arch);
    String javaHome = "java-17-openjdk-" + DebianArchive.debianArch(arch);
    recipes.add(
        ApkRecipe.fromDebian(
                "openjdk-17-jre", "OpenJDK 17 Java runtime (Debian openjdk-17-jre-headless)", "openjdk-17-jre-headless")
            .withExcludes(MORE_NOISE)
            .withExcludes("/usr/share/binfmts", "/usr/lib/jvm/" + javaHome + "/docs",
                "/usr/lib/jvm/" + javaHome + "/man")
            .withSymlink("/usr/lib/jvm/java-17-openjdk", javaHome)
            .withDepends("java-cacerts"));
    recipes.add(
        ApkRecipe.empty("java-common-jre", "1.0-r0", "/usr/bin links to the default JVM's commands")
            .withSymlink("/usr/bin/java", "../lib/jvm/default-jvm/bin/java")
            .withSymlink("/usr/bin/keytool", "../lib/jvm/default-jvm/bin/keytool"));
    recipes.add(
        ApkRecipe.empty("openjdk-17-default-jvm", jre.apkVersion(), "OpenJDK 17 as the default JVM")
            .withSymlink("/usr/lib/jvm/default-jvm", "java-17-openjdk")
            .withDepends("openjdk-17-jre", "java-common-jre")
            .withProvides("default-jvm=1.17"));
    return recipes;
  }

  /**
   * The Java trust store of the CA certificates in {@code recipes}' {@code ca-certificates-bundle}, entries dated
   * {@code createdMillis}.
   */
  public static byte[] trustStore(List<ApkRecipe> recipes, long createdMillis) throws IOException {
    String bundle =
        ApkRecipe.byName(recipes).get("ca-certificates-bundle").files().get("/etc/ssl/certs/ca-certificates.crt");
    Map<String, X509Certificate> byAlias = new TreeMap<>();
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      int n = 0;
      for (var c : x509.generateCertificates(new ByteArrayInputStream(bundle.getBytes(StandardCharsets.US_ASCII)))) {
        X509Certificate cert = (X509Certificate) c;
        // Debian's ca-certificates-java names entries after the certificate file; the subject is as stable.
        String alias = String.format(Locale.ROOT, "debian:%03d:%s", n++,
            cert.getSubjectX500Principal().getName().toLowerCase(Locale.ROOT));
        byAlias.put(alias, cert);
      }
    } catch (CertificateException e) {
      throw new IOException("the CA bundle does not parse: " + e.getMessage(), e);
    }
    if (byAlias.isEmpty()) {
      throw new IOException("the CA bundle holds no certificates");
    }
    return JavaTrustStore.write(byAlias, createdMillis);
  }

  /** The stand-in's base files: os-release, root's account, name service switch. */
  static ApkRecipe baselayout() {
    return ApkRecipe.empty("wolfi-baselayout", "1.0-r0", "Base files of the apko-farm offline image")
        .withFile(
            "/etc/os-release",
            "ID=" + OS_ID + "\nNAME=\"apko-farm offline image (Debian 12 packages)\"\nVERSION_ID=1.0\n"
                + "PRETTY_NAME=\"apko-farm offline image (Debian 12 packages)\"\n")
        .withFile("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
        .withFile("/etc/group", "root:x:0:root\n")
        .withFile("/etc/shadow", "root:*:::::::\n")
        .withFile("/etc/nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n")
        .withFile("/root/.keep", "");
  }

  /** Debian's CA certificates (Mozilla's roots) as one PEM bundle, in file-name order as update-ca-certificates. */
  private CaCertificates caCertificates(Arch arch) throws IOException {
    DebPackage deb = archive.fetch(CA_CERTIFICATES, arch);
    Path root = Files.createDirectories(scratch).resolve("ca-certificates");
    TemporaryDirectory.deleteTree(root);
    try {
      deb.unpackInto(root);
      List<Path> pems;
      try (Stream<Path> s = Files.walk(root.resolve("usr/share/ca-certificates"))) {
        pems = s.filter(p -> p.getFileName().toString().endsWith(".crt")).sorted().toList();
      }
      StringBuilder bundle = new StringBuilder();
      for (Path pem : pems) {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        bundle.append(text).append(text.endsWith("\n") ? "" : "\n");
      }
      if (pems.isEmpty()) {
        throw new IOException(deb.file() + " holds no certificates under /usr/share/ca-certificates");
      }
      return new CaCertificates(deb.apkVersion(), bundle.toString());
    } finally {
      TemporaryDirectory.deleteTree(root);
    }
  }

  private record CaCertificates(String version, String bundle) {}
}
