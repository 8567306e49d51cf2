package dev.apkofarm.core.apk.index;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.archive.GzipReader;
import dev.apkofarm.core.apk.archive.TarEntry;
import dev.apkofarm.core.apk.archive.TarReader;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a signed APKINDEX.tar.gz. The file is two gzip members: the first a tar fragment of signature files
 * {@code .SIGN.RSA.<key>} (RSA/SHA-1) or {@code .SIGN.RSA256.<key>} (RSA/SHA-256), each signing the exact
 * compressed bytes of everything after the first member; the second the tar with {@code APKINDEX} and
 * {@code DESCRIPTION}. An index verifies when any signature by a trusted key verifies.
 */
public final class IndexReader {
  /** Default ceiling on an index's decompressed size (go-apk's), against gzip bombs. */
  public static final long DEFAULT_MAX_DECOMPRESSED = Limits.DEFAULTS.maxApkIndexDecompressedSize();

  private static final Pattern SIGNATURE_FILE = Pattern.compile("^\\.SIGN\\.(DSA|RSA|RSA256|RSA512)\\.(.*\\.rsa\\.pub)$");
  private static final long MAX_SIGNATURE_SECTION = 1 << 20;

  private IndexReader() {}

  /**
   * Verifies (unless {@code verify} is false) and parses an index.
   *
   * @param archive the APKINDEX.tar.gz bytes
   * @param source the repository index's name for messages (its URL)
   * @param keyring the trusted keys
   * @param verify false only for an explicit {@code --ignore-signatures}
   * @throws IndexVerificationException naming the repository and keys when no trusted signature verifies
   * @throws BadInputException when the index is malformed
   */
  public static ApkIndex read(byte[] archive, String source, Keyring keyring, boolean verify)
      throws BadInputException {
    return read(archive, source, keyring, verify, DEFAULT_MAX_DECOMPRESSED);
  }

  /** As {@link #read(byte[], String, Keyring, boolean)} with an explicit decompressed size limit. */
  public static ApkIndex read(byte[] archive, String source, Keyring keyring, boolean verify, long maxDecompressed)
      throws BadInputException {
    if (verify) {
      verify(archive, source, keyring);
    }
    try {
      return parse(archive, source, maxDecompressed);
    } catch (IOException e) {
      throw new BadInputException("repository index " + source + " is malformed: " + e.getMessage(), e);
    }
  }

  /**
   * Checks the index's signatures against the keyring.
   *
   * @throws IndexVerificationException naming the repository and the keys involved
   */
  public static void verify(byte[] archive, String source, Keyring keyring) throws BadInputException {
    if (keyring.isEmpty()) {
      throw new IndexVerificationException(
          "cannot verify repository index " + source + ": no keys in the keyring (add the repository's signing key"
              + " to contents.keyring, or pass --ignore-signatures)");
    }
    List<SignatureFile> signatures = new ArrayList<>();
    long signatureEnd;
    try (GzipReader gz =
        new GzipReader(new ByteArrayInputStream(archive), false, MAX_SIGNATURE_SECTION, "index " + source)) {
      TarReader tar = new TarReader(gz, "index " + source);
      TarEntry e;
      while ((e = tar.next()) != null) {
        Matcher m = SIGNATURE_FILE.matcher(e.name());
        if (!m.matches()) {
          throw new IndexVerificationException(
              "repository index " + source + " is not signed: its first section holds " + InputText.quote(e.name())
                  + " where a .SIGN.RSA256.<key> or .SIGN.RSA.<key> signature file was expected");
        }
        Optional<SignatureAlgorithm> algorithm = SignatureAlgorithm.ofScheme(m.group(1));
        byte[] sig = tar.content().readNBytes((int) Math.min(e.size(), 64 * 1024));
        algorithm.ifPresent(a -> signatures.add(new SignatureFile(a, m.group(2), sig)));
      }
      signatureEnd = gz.drain();
    } catch (IOException e) {
      throw new BadInputException("repository index " + source + " is malformed: " + e.getMessage(), e);
    }
    List<String> signedBy = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (SignatureFile s : signatures) {
      signedBy.add(InputText.quote(s.keyName));
      Optional<Keyring.Key> key = keyring.find(s.keyName);
      if (key.isEmpty()) {
        continue;
      }
      int len = archive.length - (int) signatureEnd;
      if (key.get().verifies(s.algorithm, archive, (int) signatureEnd, len, s.signature)) {
        return;
      }
      failed.add(InputText.quote(s.keyName) + " (" + s.algorithm.scheme() + ")");
    }
    if (!failed.isEmpty()) {
      throw new IndexVerificationException(
          "signature of repository index " + source + " does not verify with key " + String.join(", ", failed)
              + ": the index was modified or signed by a different key of that name");
    }
    throw new IndexVerificationException(
        "repository index " + source + " is signed by "
            + (signedBy.isEmpty() ? "no supported signature" : "key " + String.join(", ", signedBy))
            + ", which is not in the keyring (trusted: " + String.join(", ", keyring.names()) + ")");
  }

  private static ApkIndex parse(byte[] archive, String source, long maxDecompressed) throws IOException {
    String what = "index " + source;
    List<PackageInfo> packages = null;
    String description = "";
    try (InputStream gz = new GzipReader(
        new ByteArrayInputStream(archive), true, maxDecompressed, "--max-apkindex-decompressed-size", what)) {
      TarReader tar = new TarReader(gz, what);
      TarEntry e;
      while ((e = tar.next()) != null) {
        switch (e.name()) {
          case "APKINDEX":
            packages = IndexText.parse(tar.content(), source);
            break;
          case "DESCRIPTION":
            description = new String(tar.content().readNBytes(1 << 20), StandardCharsets.UTF_8);
            break;
          default:
            if (!e.name().startsWith(".SIGN.")) {
              throw new IOException("unexpected file " + InputText.quote(e.name()) + " in the index");
            }
        }
      }
    }
    if (packages == null) {
      throw new IOException("no APKINDEX file in the index");
    }
    return new ApkIndex(description, packages);
  }

  private record SignatureFile(SignatureAlgorithm algorithm, String keyName, byte[] signature) {}
}
