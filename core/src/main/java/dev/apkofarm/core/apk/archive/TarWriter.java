package dev.apkofarm.core.apk.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a deterministic POSIX tar: ustar headers with empty owner names, a PAX extended header (records sorted by
 * key) when a name or link is too long or when records are given, and no timestamps but the one passed in. The
 * two zero blocks that end an archive are written only by {@link #finish()}: apk's signature and control sections
 * are tar fragments that must not have them.
 */
public final class TarWriter {
  private static final int BLOCK = 512;

  private final OutputStream out;

  public TarWriter(OutputStream out) {
    this.out = out;
  }

  /** Type flags of the entries we write. */
  public enum Kind {
    FILE('0'),
    HARDLINK('1'),
    SYMLINK('2'),
    DIRECTORY('5');

    final char flag;

    Kind(char flag) {
      this.flag = flag;
    }
  }

  /** Writes one entry header (preceded by its PAX header when needed); file content must follow via content(). */
  public void header(
      String name,
      Kind kind,
      int mode,
      long uid,
      long gid,
      long mtime,
      long size,
      String link,
      Map<String, String> pax,
      Map<String, byte[]> xattrs)
      throws IOException {
    Map<String, byte[]> records = new TreeMap<>();
    pax.forEach((k, v) -> records.put(k, utf8(v)));
    xattrs.forEach((k, v) -> records.put(TarEntry.XATTR_PREFIX + k, v));
    String storedName = kind == Kind.DIRECTORY && !name.endsWith("/") ? name + "/" : name;
    if (utf8(storedName).length > 100) {
      records.put("path", utf8(storedName));
      storedName = truncate(storedName);
    }
    if (utf8(link).length > 100) {
      records.put("linkpath", utf8(link));
      link = truncate(link);
    }
    if (size > 077777777777L) {
      records.put("size", utf8(Long.toString(size)));
    }
    if (!records.isEmpty()) {
      byte[] body = paxBody(records);
      block("PaxHeader", 'x', 0644, 0, 0, mtime, body.length, "");
      out.write(body);
      pad(body.length);
    }
    block(storedName, kind.flag, mode, uid, gid, mtime, kind == Kind.FILE ? size : 0, link);
  }

  /** Copies exactly {@code size} bytes of content and pads to the block size. */
  public void content(InputStream in, long size) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new IOException("content ended " + left + " bytes early (did the file change while packing?)");
      }
      out.write(buf, 0, n);
      left -= n;
    }
    pad(size);
  }

  /** Writes the end-of-archive marker. */
  public void finish() throws IOException {
    out.write(new byte[2 * BLOCK]);
  }

  private void block(String name, char flag, int mode, long uid, long gid, long mtime, long size, String link)
      throws IOException {
    byte[] h = new byte[BLOCK];
    put(h, 0, 100, utf8(name));
    octal(h, 100, 8, mode);
    octal(h, 108, 8, uid);
    octal(h, 116, 8, gid);
    octal(h, 124, 12, size);
    octal(h, 136, 12, Math.max(0, mtime));
    h[156] = (byte) flag;
    put(h, 157, 100, utf8(link));
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    octal(h, 329, 8, 0);
    octal(h, 337, 8, 0);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] chk = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, h, 148, 6);
    h[154] = 0;
    h[155] = ' ';
    out.write(h);
  }

  private void pad(long size) throws IOException {
    int padding = (int) ((BLOCK - (size % BLOCK)) % BLOCK);
    if (padding > 0) {
      out.write(new byte[padding]);
    }
  }

  private static byte[] paxBody(Map<String, byte[]> records) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      byte[] key = utf8(r.getKey());
      // " key=value\n" plus the decimal length of the whole record, which counts its own digits.
      int restLen = 1 + key.length + 1 + r.getValue().length + 1;
      int len = restLen + 1;
      while (Integer.toString(len).length() + restLen != len) {
        len++;
      }
      body.write(utf8(len + " "));
      body.write(key);
      body.write('=');
      body.write(r.getValue());
      body.write('\n');
    }
    return body.toByteArray();
  }

  private static String truncate(String s) {
    byte[] b = utf8(s);
    return new String(b, 0, 100, StandardCharsets.UTF_8);
  }

  private static void octal(byte[] h, int off, int len, long value) {
    String s = Long.toOctalString(value);
    if (s.length() > len - 1) {
      throw new IllegalArgumentException("value " + value + " does not fit a tar header field");
    }
    s = "0".repeat(len - 1 - s.length()) + s;
    put(h, off, len - 1, s.getBytes(StandardCharsets.US_ASCII));
    h[off + len - 1] = 0;
  }

  private static void put(byte[] h, int off, int len, byte[] value) {
    System.arraycopy(value, 0, h, off, Math.min(len, value.length));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
