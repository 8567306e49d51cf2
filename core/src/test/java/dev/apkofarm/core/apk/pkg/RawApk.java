package dev.apkofarm.core.apk.pkg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds deliberately odd .apk bytes for tests (entries our own writer refuses to produce, such as {@code ../x}),
 * with a correct {@code datahash} so that only the oddity is wrong.
 */
final class RawApk {
  private final List<TarArchiveEntry> entries = new ArrayList<>();
  private final List<byte[]> contents = new ArrayList<>();

  RawApk file(String name, String content) {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    e.setSize(b.length);
    e.setMode(0100644);
    entries.add(e);
    contents.add(b);
    return this;
  }

  RawApk link(String name, String target, byte type) {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setLinkName(target);
    entries.add(e);
    contents.add(new byte[0]);
    return this;
  }

  /** control + data sections (unsigned), for package {@code name-version}. */
  byte[] build(String name, String version) throws IOException {
    byte[] data = gzip(tar(entries, contents));
    String pkginfo =
        "pkgname = " + name + "\npkgver = " + version + "\narch = x86_64\nsize = 1\ndatahash = "
            + HexFormat.of().formatHex(sha256(data)) + "\n";
    TarArchiveEntry info = new TarArchiveEntry(".PKGINFO");
    byte[] infoBytes = pkginfo.getBytes(StandardCharsets.UTF_8);
    info.setSize(infoBytes.length);
    byte[] control = gzip(tar(List.of(info), List.of(infoBytes)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(control);
    out.write(data);
    return out.toByteArray();
  }

  private static byte[] tar(List<TarArchiveEntry> entries, List<byte[]> contents) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (int i = 0; i < entries.size(); i++) {
        tar.putArchiveEntry(entries.get(i));
        tar.write(contents.get(i));
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
