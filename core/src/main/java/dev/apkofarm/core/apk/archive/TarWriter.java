package dev.apkofarm.core.apk.archive;

import dev.apkofarm.core.CodePointOrder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a tar stream byte for byte as Go's {@code archive/tar.Writer} does for headers of unspecified format, which
 * is how apko writes its layers and melange its packages: USTAR when the header fits (long ASCII names split into
 * prefix and name), otherwise a PAX extended header ({@code PaxHeaders.0/<name>}, records sorted by key) followed by
 * a USTAR-magic main header; octal fields zero-padded and NUL-terminated; checksum as six octal digits, NUL, space;
 * data padded to 512 bytes; two zero blocks at the end ({@link #close()}), or none ({@link #closeFragment()}) for
 * apk's signature and control sections, which are tar fragments concatenated before the data section.
 *
 * <p>GNU-only encodings (numbers beyond octal range in fields PAX cannot carry) are refused. Does not close the
 * underlying stream.
 */
public final class TarWriter implements AutoCloseable {
  static final int BLOCK = 512;
  private static final int NAME_SIZE = 100;
  private static final int PREFIX_SIZE = 155;
  private static final int MAX_SPECIAL_FILE_SIZE = 1 << 20;
  private static final byte[] ZEROS = new byte[BLOCK];
  private static final Set<String> BASIC_KEYS =
      Set.of("path", "linkpath", "size", "uid", "gid", "uname", "gname", "mtime", "atime", "ctime");

  private final OutputStream out;
  private final byte[] block = new byte[BLOCK];
  private final byte[] copyBuffer = new byte[1 << 16];
  private long remaining;
  private int pad;
  private String current = "";
  private boolean closed;

  public TarWriter(OutputStream out) {
    this.out = out;
  }

  /** Starts an entry; the previous entry's data must be complete. */
  public void writeHeader(TarHeader h) throws IOException {
    flush();
    Map<String, byte[]> pax = new TreeMap<>(CodePointOrder.INSTANCE);
    boolean ustar = true;

    ustar &= checkString(h.name(), NAME_SIZE, "path", true, pax);
    ustar &= checkString(h.linkname(), NAME_SIZE, "linkpath", false, pax);
    ustar &= checkString(h.uname(), 32, "uname", false, pax);
    ustar &= checkString(h.gname(), 32, "gname", false, pax);
    requireOctal(h.mode(), 8, "mode", h);
    ustar &= checkNumeric(h.uid(), 8, "uid", pax);
    ustar &= checkNumeric(h.gid(), 8, "gid", pax);
    ustar &= checkNumeric(h.size(), 12, "size", pax);
    requireOctal(h.devMajor(), 8, "devmajor", h);
    requireOctal(h.devMinor(), 8, "devminor", h);
    if (!fitsInOctal(12, h.mtime())) {
      ustar = false;
      pax.put("mtime", Long.toString(h.mtime()).getBytes(StandardCharsets.US_ASCII));
    }
    if (!h.paxRecords().isEmpty()) {
      for (Map.Entry<String, byte[]> e : h.paxRecords().entrySet()) {
        String k = e.getKey();
        if (!pax.containsKey(k) && !BASIC_KEYS.contains(k) && !k.startsWith("GNU.sparse.")) {
          pax.put(k, e.getValue());
        }
      }
      ustar = false;
    }
    for (Map.Entry<String, byte[]> e : pax.entrySet()) {
      if (!validPaxRecord(e.getKey(), e.getValue())) {
        throw new IllegalArgumentException("invalid PAX record " + e.getKey() + " for tar entry " + h.name());
      }
    }

    current = h.name();
    if (ustar) {
      writeUstar(h);
    } else {
      writePax(h, pax);
    }
  }

  private void writeUstar(TarHeader h) throws IOException {
    byte[] name = utf8(h.name());
    byte[] prefix = new byte[0];
    int split = splitUstarPath(name);
    if (split > 0) {
      prefix = Arrays.copyOfRange(name, 0, split);
      name = Arrays.copyOfRange(name, split + 1, name.length);
    }
    template(h, name, utf8(h.linkname()), utf8(h.uname()), utf8(h.gname()));
    formatString(block, 345, PREFIX_SIZE, prefix);
    setFormatAndChecksum();
    writeRawHeader(h.size(), h.isHeaderOnly());
  }

  private void writePax(TarHeader h, Map<String, byte[]> pax) throws IOException {
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> e : pax.entrySet()) {
      records.writeBytes(formatPaxRecord(e.getKey(), e.getValue()));
    }
    byte[] data = records.toByteArray();
    if (data.length > MAX_SPECIAL_FILE_SIZE) {
      throw new IllegalArgumentException("PAX header too long for tar entry " + h.name());
    }
    String realName = h.name();
    int slash = realName.lastIndexOf('/');
    String paxName = realName.substring(0, slash + 1) + "PaxHeaders.0/" + realName.substring(slash + 1);
    writeRawFile(paxName, data, 'x');

    template(h, ascii(h.name()), ascii(h.linkname()), ascii(h.uname()), ascii(h.gname()));
    setFormatAndChecksum();
    writeRawHeader(h.size(), h.isHeaderOnly());
  }

  /** Go's {@code templateV7Plus}: the V7 fields plus uname, gname and device numbers. */
  private void template(TarHeader h, byte[] name, byte[] linkname, byte[] uname, byte[] gname) {
    Arrays.fill(block, (byte) 0);
    block[156] = (byte) h.typeflag();
    formatString(block, 0, NAME_SIZE, name);
    formatString(block, 157, NAME_SIZE, linkname);
    formatOctal(block, 100, 8, h.mode());
    formatOctal(block, 108, 8, h.uid());
    formatOctal(block, 116, 8, h.gid());
    formatOctal(block, 124, 12, h.size());
    formatOctal(block, 136, 12, h.mtime());
    formatString(block, 265, 32, uname);
    formatString(block, 297, 32, gname);
    formatOctal(block, 329, 8, h.devMajor());
    formatOctal(block, 337, 8, h.devMinor());
  }

  /** Go's {@code writeRawFile}: a minimal header (zero mode, ids and time) and a body, for the PAX header file. */
  private void writeRawFile(String name, byte[] data, char flag) throws IOException {
    Arrays.fill(block, (byte) 0);
    byte[] n = ascii(name);
    if (n.length > NAME_SIZE) {
      n = Arrays.copyOf(n, NAME_SIZE);
    }
    int end = n.length;
    while (end > 0 && n[end - 1] == '/') {
      end--;
    }
    n = Arrays.copyOf(n, end);
    block[156] = (byte) flag;
    formatString(block, 0, NAME_SIZE, n);
    formatOctal(block, 100, 8, 0);
    formatOctal(block, 108, 8, 0);
    formatOctal(block, 116, 8, 0);
    formatOctal(block, 124, 12, data.length);
    formatOctal(block, 136, 12, 0);
    setFormatAndChecksum();
    writeRawHeader(data.length, false);
    write(data, 0, data.length);
  }

  private void setFormatAndChecksum() {
    byte[] magic = {'u', 's', 't', 'a', 'r', 0, '0', '0'};
    System.arraycopy(magic, 0, block, 257, magic.length);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (block[i] & 0xff);
    }
    formatOctal(block, 148, 7, sum);
    block[155] = ' ';
  }

  private void writeRawHeader(long size, boolean headerOnly) throws IOException {
    flush();
    out.write(block);
    remaining = headerOnly ? 0 : size;
    pad = (int) ((BLOCK - (remaining % BLOCK)) % BLOCK);
  }

  /** Writes data of the current entry; more than its size is an error. */
  public void write(byte[] b, int off, int len) throws IOException {
    if (len > remaining) {
      throw new IOException("tar entry " + current + ": write too long (" + len + " > " + remaining + ")");
    }
    out.write(b, off, len);
    remaining -= len;
  }

  /** Copies exactly the rest of the current entry's data from {@code in}. */
  public void copyFrom(InputStream in) throws IOException {
    while (remaining > 0) {
      int n = in.read(copyBuffer, 0, (int) Math.min(copyBuffer.length, remaining));
      if (n < 0) {
        throw new IOException("tar entry " + current + ": content ended " + remaining + " bytes early");
      }
      out.write(copyBuffer, 0, n);
      remaining -= n;
    }
  }

  private void flush() throws IOException {
    if (closed) {
      throw new IOException("tar writer is closed");
    }
    if (remaining > 0) {
      throw new IOException("tar entry " + current + ": missed writing " + remaining + " bytes");
    }
    out.write(ZEROS, 0, pad);
    pad = 0;
  }

  /** Pads the last entry and writes the two zero blocks that end the archive (the stream stays open). */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    flush();
    out.write(ZEROS);
    out.write(ZEROS);
    closed = true;
  }

  /** Pads the last entry without ending the archive: the stream holds a fragment that more tar follows. */
  public void closeFragment() throws IOException {
    if (closed) {
      return;
    }
    flush();
    closed = true;
  }

  // ---- Go's field formatting -----------------------------------------------------------------------------------

  private static boolean checkString(String s, int size, String paxKey, boolean splittable, Map<String, byte[]> pax) {
    byte[] b = utf8(s);
    boolean tooLong = b.length > size;
    if (!isAscii(s) || tooLong) {
      pax.put(paxKey, b);
      return splittable && splitUstarPath(b) > 0;
    }
    return true;
  }

  private static boolean checkNumeric(long n, int size, String paxKey, Map<String, byte[]> pax) {
    if (!fitsInOctal(size, n)) {
      pax.put(paxKey, Long.toString(n).getBytes(StandardCharsets.US_ASCII));
      return false;
    }
    return true;
  }

  private static void requireOctal(long n, int size, String field, TarHeader h) {
    if (!fitsInOctal(size, n)) {
      throw new IllegalArgumentException("tar entry " + h.name() + ": " + field + " " + n + " needs GNU encoding");
    }
  }

  static boolean fitsInOctal(int n, long x) {
    int octBits = (n - 1) * 3;
    return x >= 0 && (n >= 22 || x < (1L << octBits));
  }

  /** Index of the prefix/name split of a long ASCII name, or -1 (Go's {@code splitUSTARPath}). */
  static int splitUstarPath(byte[] name) {
    int length = name.length;
    if (length <= NAME_SIZE || !isAscii(name)) {
      return -1;
    } else if (length > PREFIX_SIZE + 1) {
      length = PREFIX_SIZE + 1;
    } else if (name[length - 1] == '/') {
      length--;
    }
    int i = -1;
    for (int k = length - 1; k >= 0; k--) {
      if (name[k] == '/') {
        i = k;
        break;
      }
    }
    int nlen = name.length - i - 1;
    int plen = i;
    if (i <= 0 || nlen > NAME_SIZE || nlen == 0 || plen > PREFIX_SIZE) {
      return -1;
    }
    return i;
  }

  private static void formatString(byte[] blk, int off, int len, byte[] s) {
    System.arraycopy(s, 0, blk, off, Math.min(len, s.length));
    if (s.length < len) {
      blk[off + s.length] = 0;
    }
    if (s.length > len && blk[off + len - 1] == '/') {
      int n = len - 1;
      while (n > 0 && s[n - 1] == '/') {
        n--;
      }
      blk[off + n] = 0;
    }
  }

  private static void formatOctal(byte[] blk, int off, int len, long x) {
    if (!fitsInOctal(len, x)) {
      x = 0;
    }
    String s = Long.toOctalString(x);
    StringBuilder sb = new StringBuilder(len);
    for (int i = len - s.length() - 1; i > 0; i--) {
      sb.append('0');
    }
    sb.append(s);
    formatString(blk, off, len, sb.toString().getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] formatPaxRecord(String key, byte[] value) {
    byte[] k = utf8(key);
    int size = k.length + value.length + 3;
    size += Integer.toString(size).length();
    byte[] record = record(size, k, value);
    if (record.length != size) {
      record = record(record.length, k, value);
    }
    return record;
  }

  private static byte[] record(int size, byte[] k, byte[] v) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(Integer.toString(size).getBytes(StandardCharsets.US_ASCII));
    b.write(' ');
    b.writeBytes(k);
    b.write('=');
    b.writeBytes(v);
    b.write('\n');
    return b.toByteArray();
  }

  private static boolean validPaxRecord(String k, byte[] v) {
    if (k.isEmpty() || k.indexOf('=') >= 0) {
      return false;
    }
    switch (k) {
      case "path", "linkpath", "uname", "gname":
        for (byte c : v) {
          if (c == 0) {
            return false;
          }
        }
        return true;
      default:
        return k.indexOf('\0') < 0;
    }
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || c == 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAscii(byte[] s) {
    for (byte c : s) {
      if (c <= 0) {
        return false;
      }
    }
    return true;
  }

  /** Go's {@code toASCII}: drops every non-ASCII character and NUL. */
  private static byte[] ascii(String s) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
    s.codePoints().filter(c -> c < 0x80 && c != 0).forEach(b::write);
    return b.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
