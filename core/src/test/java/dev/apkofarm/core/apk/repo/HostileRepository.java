package dev.apkofarm.core.apk.repo;

import dev.apkofarm.core.apk.archive.GzipWriter;
import dev.apkofarm.core.apk.archive.TarEntry;
import dev.apkofarm.core.apk.archive.TarHeader;
import dev.apkofarm.core.apk.archive.TarWriter;
import dev.apkofarm.core.apk.index.IndexWriter;
import dev.apkofarm.core.apk.pkg.ApkLayout;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A signed apk repository from a signer that turned hostile, for tests: packages whose data section holds whatever
 * the test asks for (newlines in names, the same path twice, ten thousand levels of directories, a gigabyte of zeros),
 * whose {@code .PKGINFO} says whatever the test asks, and an index whose records may name anything. Everything is
 * really signed (RSA-SHA256, a key generated per repository) and hashed as apk does, so only the hostility is wrong:
 * our own writers ({@link PackageWriter}, {@link IndexWriter}) refuse to produce any of it.
 *
 * <p>Layout as {@link RepositoryWriter}'s: {@code <root>/x86_64/*.apk}, {@code <root>/x86_64/APKINDEX.tar.gz}, the
 * public key at {@code <root>/}{@value #KEY_NAME}.
 */
public final class HostileRepository {
  public static final String KEY_NAME = "hostile.rsa.pub";
  public static final String ARCH = "x86_64";
  private static final long BUILD_DATE = 1_704_067_200L;

  private final Path root;
  private final SigningKey key;
  private final List<String> records = new ArrayList<>();

  public HostileRepository(Path root) throws IOException {
    this.root = root;
    this.key = SigningKey.generate(KEY_NAME, 2048);
    Files.createDirectories(root.resolve(ARCH));
    Files.writeString(keyFile(), key.publicKey().pem(), StandardCharsets.US_ASCII);
  }

  public Path root() {
    return root;
  }

  public Path keyFile() {
    return root.resolve(KEY_NAME);
  }

  /** Starts a package {@code name-version} (written as such into {@code .PKGINFO} and the index). */
  public Package pkg(String name, String version) {
    return new Package(name, version);
  }

  /** Adds an index record as written (lines without the blank separator), e.g. one naming {@code ../../x}. */
  public HostileRepository rawRecord(String record) {
    records.add(record.endsWith("\n") ? record : record + "\n");
    return this;
  }

  /** Writes the signed {@code APKINDEX.tar.gz} of every package written and every raw record, in that order. */
  public Path writeIndex() throws IOException {
    StringBuilder text = new StringBuilder();
    records.forEach(r -> text.append(r).append('\n'));
    byte[] apkindex = text.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream section = new ByteArrayOutputStream();
    GzipWriter gz = new GzipWriter(section);
    TarWriter tar = new TarWriter(gz);
    tar.writeHeader(TarHeader.of(TarHeader.REG, "APKINDEX", "", apkindex.length, 0644, 0));
    tar.write(apkindex, 0, apkindex.length);
    tar.writeHeader(TarHeader.of(TarHeader.REG, "DESCRIPTION", "", 0, 0644, 0));
    tar.close();
    gz.close();
    byte[] index = section.toByteArray();
    byte[] signature = PackageWriter.signature(key, SignatureAlgorithm.RSA_SHA256, index, 0);
    Path out = root.resolve(ARCH).resolve(IndexWriter.INDEX_FILE);
    try (OutputStream o = Files.newOutputStream(out)) {
      o.write(signature);
      o.write(index);
    }
    return out;
  }

  /** One package: its data entries in the order added, exactly as given. */
  public final class Package {
    private final String name;
    private final String version;
    private final Map<String, String> pkginfo = new LinkedHashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private String fileName;

    private Package(String name, String version) {
      this.name = name;
      this.version = version;
      this.fileName = name + "-" + version + ".apk";
    }

    /** Sets a {@code .PKGINFO} line, written as {@code key = value} (replacing what would be written for it). */
    public Package pkginfo(String key, String value) {
      pkginfo.put(key, value);
      return this;
    }

    /** The file name in the repository (by default {@code name-version.apk}). */
    public Package fileName(String name) {
      this.fileName = name;
      return this;
    }

    public Package dir(String path) {
      entries.add(new Entry(path.endsWith("/") ? path : path + "/", TarHeader.DIR, 0755, "", 0, null));
      return this;
    }

    public Package file(String path, String content) {
      byte[] b = content.getBytes(StandardCharsets.UTF_8);
      entries.add(new Entry(path, TarHeader.REG, 0644, "", b.length, () -> new ByteArrayInputStream(b)));
      return this;
    }

    /** A file of {@code size} zero bytes, streamed (never held in memory). */
    public Package zeros(String path, long size) {
      entries.add(new Entry(path, TarHeader.REG, 0644, "", size, () -> new Zeros(size)));
      return this;
    }

    public Package symlink(String path, String target) {
      entries.add(new Entry(path, TarHeader.SYMLINK, 0777, target, 0, null));
      return this;
    }

    /** Writes the signed .apk into the arch directory and lists it in the index; returns the file. */
    public Path write() throws IOException {
      Path dir = root.resolve(ARCH);
      Path data = Files.createTempFile(dir, ".data-", ".tmp");
      try {
        MessageDigest dataSha256 = ApkLayout.newDigest("sha256");
        long installed = 0;
        try (OutputStream file = new java.io.BufferedOutputStream(Files.newOutputStream(data), 1 << 16);
            DigestOutputStream digest = new DigestOutputStream(file, dataSha256)) {
          GzipWriter gz = new GzipWriter(digest);
          TarWriter tar = new TarWriter(gz);
          for (Entry e : entries) {
            TreeMap<String, byte[]> pax = new TreeMap<>();
            if (e.kind == TarHeader.REG) {
              MessageDigest sha1 = ApkLayout.newDigest("sha1");
              try (InputStream in = e.content.open()) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                  sha1.update(buf, 0, n);
                }
              }
              pax.put(TarEntry.CHECKSUM_RECORD, HexFormat.of().formatHex(sha1.digest()).getBytes(StandardCharsets.US_ASCII));
            }
            tar.writeHeader(new TarHeader(e.kind, e.path, e.link, e.size, e.mode, 0, 0, "", "", BUILD_DATE, 0, 0, pax));
            if (e.kind == TarHeader.REG) {
              try (InputStream in = e.content.open()) {
                tar.copyFrom(in);
              }
              installed += e.size;
            }
          }
          tar.close();
          gz.close();
        }
        Map<String, String> info = new LinkedHashMap<>();
        info.put("pkgname", name);
        info.put("pkgver", version);
        info.put("arch", ARCH);
        info.put("size", Long.toString(installed));
        info.put("origin", name);
        info.put("pkgdesc", "hostile");
        info.put("builddate", Long.toString(BUILD_DATE));
        info.put("datahash", HexFormat.of().formatHex(dataSha256.digest()));
        info.putAll(pkginfo);
        StringBuilder text = new StringBuilder();
        info.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        byte[] pkginfoBytes = text.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream controlOut = new ByteArrayOutputStream();
        GzipWriter gz = new GzipWriter(controlOut);
        TarWriter tar = new TarWriter(gz);
        tar.writeHeader(TarHeader.of(TarHeader.REG, ".PKGINFO", "", pkginfoBytes.length, 0644, BUILD_DATE));
        tar.write(pkginfoBytes, 0, pkginfoBytes.length);
        tar.closeFragment();
        gz.close();
        byte[] control = controlOut.toByteArray();
        byte[] signature = PackageWriter.signature(key, SignatureAlgorithm.RSA_SHA256, control, BUILD_DATE);
        Path out = dir.resolve(fileName);
        try (OutputStream o = Files.newOutputStream(out)) {
          o.write(signature);
          o.write(control);
          Files.copy(data, o);
        }
        byte[] controlSha1 = ApkLayout.newDigest("sha1").digest(control);
        records.add("C:Q1" + Base64.getEncoder().encodeToString(controlSha1) + "\nP:" + name + "\nV:" + version
            + "\nA:" + ARCH + "\nS:" + Files.size(out) + "\nI:" + installed + "\nT:hostile\nt:" + BUILD_DATE + "\n");
        return out;
      } finally {
        Files.deleteIfExists(data);
      }
    }
  }

  private record Entry(String path, char kind, int mode, String link, long size, Content content) {}

  @FunctionalInterface
  private interface Content {
    InputStream open() throws IOException;
  }

  /** {@code size} zero bytes. */
  private static final class Zeros extends InputStream {
    private long left;

    Zeros(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      if (left == 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
