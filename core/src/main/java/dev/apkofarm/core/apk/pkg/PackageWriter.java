package dev.apkofarm.core.apk.pkg;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.archive.GzipWriter;
import dev.apkofarm.core.apk.archive.TarEntry;
import dev.apkofarm.core.apk.archive.TarHeader;
import dev.apkofarm.core.apk.archive.TarWriter;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import dev.apkofarm.core.io.AtomicFile;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.TreeMap;

/**
 * Writes a signed .apk (signature, control and data gzip sections) from a {@link PackageSpec} and a
 * {@link PackageContent}. The output is reproducible: entries sorted by path, mtimes = the spec's build date, fixed
 * gzip headers, deterministic RSA signatures, so the same input gives the same bytes. File contents are streamed,
 * never held in memory; the file appears under its final name only when complete.
 */
public final class PackageWriter {
  private PackageWriter() {}

  /**
   * Writes the package.
   *
   * @param signingKey the key to sign with; empty writes an unsigned package (valid, but only installable from a
   *     signed index)
   * @return the package as its index will list it
   */
  public static PackageInfo write(
      PackageSpec spec,
      PackageContent content,
      Optional<SigningKey> signingKey,
      SignatureAlgorithm algorithm,
      Path out)
      throws IOException {
    return write(spec, content, signingKey, algorithm, out, Deflater.DEFAULT_COMPRESSION);
  }

  /**
   * Writes the package with its data section compressed at {@code gzipLevel} (0 to 9; 0 stores the bytes, so a
   * large package of incompressible test data is written at disk speed).
   */
  public static PackageInfo write(
      PackageSpec spec,
      PackageContent content,
      Optional<SigningKey> signingKey,
      SignatureAlgorithm algorithm,
      Path out,
      int gzipLevel)
      throws IOException {
    if (gzipLevel != Deflater.DEFAULT_COMPRESSION && (gzipLevel < 0 || gzipLevel > 9)) {
      throw new IllegalArgumentException("gzip level must be 0..9, not " + gzipLevel);
    }
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // The data section is written first because .PKGINFO, which precedes it, records its hash.
    Path data = Files.createTempFile(dir, "." + spec.name() + "-", ".data.tmp");
    try (AtomicFile whole = AtomicFile.beside(out)) {
      MessageDigest dataSha256 = ApkLayout.newDigest("sha256");
      long installedSize;
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(data), 64 * 1024);
          DigestOutputStream digest = new DigestOutputStream(file, dataSha256)) {
        GzipWriter gz = new GzipWriter(digest, gzipLevel);
        installedSize = writeData(spec, content, new TarWriter(gz));
        gz.close();
      }
      byte[] pkginfo = pkginfo(spec, installedSize, HexFormat.of().formatHex(dataSha256.digest()));
      byte[] control = control(spec, pkginfo);
      byte[] signature =
          signingKey.isPresent() ? signature(signingKey.get(), algorithm, control, spec.buildDate()) : new byte[0];
      try (OutputStream o = whole.newOutputStream()) {
        o.write(signature);
        o.write(control);
        Files.copy(data, o);
      }
      long size = Files.size(whole.path());
      whole.commit(out);
      byte[] controlSha1 = ApkLayout.newDigest("sha1").digest(control);
      return PkgInfo.parse(pkginfo).toPackageInfo(controlSha1, size);
    } finally {
      Files.deleteIfExists(data);
    }
  }

  private static long writeData(PackageSpec spec, PackageContent content, TarWriter tar) throws IOException {
    long installed = 0;
    long mtime = spec.buildDate();
    for (PackageContent.Entry e : content.entries()) {
      switch (e.kind()) {
        case DIRECTORY:
          tar.writeHeader(header(TarHeader.DIR, e.path() + "/", "", 0, e, mtime, Map.of()));
          break;
        case SYMLINK:
          tar.writeHeader(header(TarHeader.SYMLINK, e.path(), e.link(), 0, e, mtime, Map.of()));
          break;
        case HARDLINK:
          tar.writeHeader(header(TarHeader.LINK, e.path(), e.link(), 0, e, mtime, Map.of()));
          break;
        case FILE:
          {
            PackageContent.Source source = e.source().orElseThrow();
            long size = source.size();
            MessageDigest sha1 = ApkLayout.newDigest("sha1");
            try (InputStream in = source.open()) {
              byte[] buf = new byte[64 * 1024];
              int n;
              while ((n = in.read(buf)) > 0) {
                sha1.update(buf, 0, n);
              }
            }
            byte[] checksum = HexFormat.of().formatHex(sha1.digest()).getBytes(StandardCharsets.US_ASCII);
            tar.writeHeader(header(TarHeader.REG, e.path(), "", size, e, mtime, Map.of(TarEntry.CHECKSUM_RECORD, checksum)));
            try (InputStream in = source.open()) {
              tar.copyFrom(in);
            }
            installed += size;
            break;
          }
        default:
          throw new IllegalStateException("unknown entry kind " + e.kind());
      }
    }
    tar.close();
    return installed;
  }

  /** One data entry's header: the entry's mode, owner and extended attributes, the package's time. */
  private static TarHeader header(
      char type, String name, String link, long size, PackageContent.Entry e, long mtime, Map<String, byte[]> pax) {
    TreeMap<String, byte[]> records = new TreeMap<>(pax);
    e.xattrs().forEach((k, v) -> records.put(TarEntry.XATTR_PREFIX + k, v));
    return new TarHeader(type, name, link, size, e.mode(), e.uid(), e.gid(), "", "", mtime, 0, 0, records);
  }

  private static byte[] pkginfo(PackageSpec s, long installedSize, String dataHash) {
    StringBuilder b = new StringBuilder("# Generated by apko-farm\n");
    line(b, "pkgname", s.name());
    line(b, "pkgver", s.version());
    line(b, "arch", s.arch());
    line(b, "size", Long.toString(installedSize));
    line(b, "origin", s.origin());
    line(b, "pkgdesc", s.description());
    line(b, "url", s.url());
    line(b, "commit", s.commit());
    if (s.buildDate() != 0) {
      line(b, "builddate", Long.toString(s.buildDate()));
    }
    line(b, "maintainer", s.maintainer());
    line(b, "license", s.license());
    s.depends().forEach(d -> line(b, "depend", d));
    s.provides().forEach(p -> line(b, "provides", p));
    s.replaces().forEach(r -> line(b, "replaces", r));
    if (!s.installIf().isEmpty()) {
      line(b, "install_if", String.join(" ", s.installIf()));
    }
    if (s.providerPriority() != 0) {
      line(b, "provider_priority", Long.toString(s.providerPriority()));
    }
    if (s.replacesPriority() != 0) {
      line(b, "replaces_priority", Long.toString(s.replacesPriority()));
    }
    if (!s.triggers().isEmpty()) {
      line(b, "triggers", String.join(" ", s.triggers()));
    }
    line(b, "datahash", dataHash);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void line(StringBuilder b, String key, String value) {
    b.append(key).append(" = ").append(value).append('\n');
  }

  /** The control section: .PKGINFO then the scripts, a tar fragment (no end marker), gzipped. */
  private static byte[] control(PackageSpec spec, byte[] pkginfo) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GzipWriter gz = new GzipWriter(out);
    TarWriter tar = new TarWriter(gz);
    long mtime = spec.buildDate();
    tar.writeHeader(TarHeader.of(TarHeader.REG, ".PKGINFO", "", pkginfo.length, 0644, mtime));
    tar.write(pkginfo, 0, pkginfo.length);
    for (Map.Entry<String, String> script : new TreeMap<>(spec.scripts()).entrySet()) {
      byte[] body = script.getValue().getBytes(StandardCharsets.UTF_8);
      tar.writeHeader(TarHeader.of(TarHeader.REG, script.getKey(), "", body.length, 0755, mtime));
      tar.write(body, 0, body.length);
    }
    tar.closeFragment();
    gz.close();
    return out.toByteArray();
  }

  /** A signature section over {@code signed}: one {@code .SIGN.<scheme>.<key>} entry, no end marker, gzipped. */
  public static byte[] signature(SigningKey key, SignatureAlgorithm algorithm, byte[] signed, long mtime)
      throws IOException {
    byte[] sig = key.sign(algorithm, signed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GzipWriter gz = new GzipWriter(out);
    TarWriter tar = new TarWriter(gz);
    tar.writeHeader(TarHeader.of(TarHeader.REG, algorithm.fileName(key.name()), "", sig.length, 0644, mtime));
    tar.write(sig, 0, sig.length);
    tar.closeFragment();
    gz.close();
    return out.toByteArray();
  }
}
