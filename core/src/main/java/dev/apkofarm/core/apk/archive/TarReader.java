package dev.apkofarm.core.apk.archive;

import dev.apkofarm.core.InputText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a tar stream entry by entry without buffering contents: ustar, POSIX PAX (local and global records), GNU
 * long names and base-256 numbers. A stream that ends cleanly at a header boundary without the two zero blocks is
 * accepted, because apk signature sections are tar fragments meant to be concatenated with the next section.
 */
public final class TarReader {
  private static final int BLOCK = 512;
  /** Upper bound for PAX headers and GNU long names, which are held in memory. */
  private static final int MAX_META = 1 << 20;
  /** Latest time accepted: 9999-12-31T23:59:59Z (later ones are not times but garbage, and break formatting). */
  public static final long MAX_SECONDS = 253_402_300_799L;

  private final InputStream in;
  private final String what;
  private final byte[] header = new byte[BLOCK];
  private final Map<String, String> globalPax = new HashMap<>();
  private long position;
  private long remaining;
  private long padding;
  private boolean ended;

  /**
   * @param in the uncompressed tar bytes
   * @param what the stream's name for error messages
   */
  public TarReader(InputStream in, String what) {
    this.in = in;
    this.what = what;
  }

  /** Advances to the next entry (skipping what is left of the current one); null at the end of the archive. */
  public TarEntry next() throws IOException {
    if (ended) {
      return null;
    }
    skipRest();
    String longName = null;
    String longLink = null;
    Map<String, String> pax = new HashMap<>(globalPax);
    Map<String, byte[]> xattrs = new HashMap<>();
    while (true) {
      if (!readHeader()) {
        ended = true;
        return null;
      }
      char flag = (char) (header[156] & 0xff);
      long size = number(124, 12, "size");
      if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K') {
        byte[] meta = readMeta(size, flag);
        switch (flag) {
          case 'x':
            parsePax(meta, pax, xattrs);
            break;
          case 'g':
            parsePax(meta, globalPax, new HashMap<>());
            pax.putAll(globalPax);
            break;
          case 'L':
            longName = cString(meta, 0, meta.length);
            break;
          default:
            longLink = cString(meta, 0, meta.length);
            break;
        }
        continue;
      }
      return entry(flag, size, longName, longLink, pax, xattrs);
    }
  }

  /** The content of the entry last returned by {@link #next()}; reading past its size returns EOF. */
  public InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw new MalformedArchiveException(what + ": truncated tar entry content");
        }
        remaining -= n;
        position += n;
        return n;
      }
    };
  }

  /** Bytes of the tar stream consumed so far. */
  public long position() {
    return position;
  }

  private TarEntry entry(
      char flag, long size, String longName, String longLink, Map<String, String> pax, Map<String, byte[]> xattrs)
      throws IOException {
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
        && header[261] == 'r';
    boolean gnu = ustar && header[262] == ' ';
    String name = cString(header, 0, 100);
    if (ustar && !gnu && header[345] != 0) {
      name = cString(header, 345, 155) + "/" + name;
    }
    if (longName != null) {
      name = longName;
    }
    String link = longLink != null ? longLink : cString(header, 157, 100);
    long mode = number(100, 8, "mode");
    long uid = number(108, 8, "uid");
    long gid = number(116, 8, "gid");
    long mtimeSeconds = number(136, 12, "mtime");
    if (mtimeSeconds > MAX_SECONDS) {
      throw new MalformedArchiveException(what + ": mtime out of range for " + InputText.quote(name));
    }
    String uname = ustar ? cString(header, 265, 32) : "";
    String gname = ustar ? cString(header, 297, 32) : "";
    int devMajor = ustar ? (int) number(329, 8, "devmajor") : 0;
    int devMinor = ustar ? (int) number(337, 8, "devminor") : 0;
    Instant mtime = Instant.ofEpochSecond(mtimeSeconds);

    // PAX records override the header fields.
    String v;
    if ((v = pax.remove("path")) != null) {
      name = v;
    }
    if ((v = pax.remove("linkpath")) != null) {
      link = v;
    }
    if ((v = pax.remove("size")) != null) {
      size = paxLong(v, "size");
    }
    if ((v = pax.remove("uid")) != null) {
      uid = paxLong(v, "uid");
    }
    if ((v = pax.remove("gid")) != null) {
      gid = paxLong(v, "gid");
    }
    if ((v = pax.remove("uname")) != null) {
      uname = v;
    }
    if ((v = pax.remove("gname")) != null) {
      gname = v;
    }
    if ((v = pax.remove("mtime")) != null) {
      mtime = paxTime(v);
    }
    pax.remove("atime");
    pax.remove("ctime");
    if (uid < 0 || gid < 0 || uid > 0xFFFF_FFFFL || gid > 0xFFFF_FFFFL) {
      throw new MalformedArchiveException(what + ": uid or gid out of range for " + InputText.quote(name));
    }

    TarEntry.Type type;
    switch (flag) {
      case '0':
      case '\0':
      case '7':
        type = name.endsWith("/") ? TarEntry.Type.DIRECTORY : TarEntry.Type.FILE;
        break;
      case '1':
        type = TarEntry.Type.HARDLINK;
        break;
      case '2':
        type = TarEntry.Type.SYMLINK;
        break;
      case '3':
        type = TarEntry.Type.CHAR_DEVICE;
        break;
      case '4':
        type = TarEntry.Type.BLOCK_DEVICE;
        break;
      case '5':
        type = TarEntry.Type.DIRECTORY;
        break;
      case '6':
        type = TarEntry.Type.FIFO;
        break;
      default:
        throw new MalformedArchiveException(
            what + ": unsupported tar entry type " + InputText.quote(String.valueOf(flag)) + " for "
                + InputText.quote(name));
    }
    if (size < 0) {
      throw new MalformedArchiveException(what + ": negative size for " + InputText.quote(name));
    }
    // Only regular files carry content; a size on anything else is skipped like padding.
    long contentSize = size;
    remaining = contentSize;
    padding = (BLOCK - (contentSize % BLOCK)) % BLOCK;
    long entrySize = type == TarEntry.Type.FILE ? size : 0;
    while (name.endsWith("/") && name.length() > 1) {
      name = name.substring(0, name.length() - 1);
    }
    return new TarEntry(
        name,
        type,
        (int) (mode & 07777),
        uid,
        gid,
        uname,
        gname,
        mtime,
        entrySize,
        type == TarEntry.Type.HARDLINK || type == TarEntry.Type.SYMLINK ? link : "",
        devMajor,
        devMinor,
        pax,
        xattrs,
        position);
  }

  /** Reads the next header block; false at the end of the archive (zero block or clean EOF). */
  private boolean readHeader() throws IOException {
    int n = readFully(header, 0, BLOCK, true);
    if (n == 0) {
      return false;
    }
    if (n < BLOCK) {
      throw new MalformedArchiveException(what + ": truncated tar header");
    }
    boolean zero = true;
    for (byte b : header) {
      if (b != 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      return false;
    }
    long stored = number(148, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : header[i];
      unsigned += b & 0xff;
      signed += (byte) b;
    }
    if (stored != unsigned && stored != signed) {
      throw new MalformedArchiveException(what + ": corrupt tar header (checksum mismatch) at offset " + (position - BLOCK));
    }
    return true;
  }

  private byte[] readMeta(long size, char flag) throws IOException {
    if (size > MAX_META) {
      throw new MalformedArchiveException(what + ": tar " + (flag == 'x' || flag == 'g' ? "PAX header" : "long name")
          + " of " + size + " bytes exceeds the limit of " + MAX_META);
    }
    byte[] meta = new byte[(int) size];
    if (readFully(meta, 0, meta.length, false) < meta.length) {
      throw new MalformedArchiveException(what + ": truncated tar extension header");
    }
    skipBytes((BLOCK - (size % BLOCK)) % BLOCK);
    return meta;
  }

  private void parsePax(byte[] data, Map<String, String> into, Map<String, byte[]> xattrs) throws IOException {
    int i = 0;
    while (i < data.length) {
      int space = i;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      int length;
      try {
        length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new MalformedArchiveException(what + ": malformed PAX record length");
      }
      int end = i + length;
      if (length <= 0 || end > data.length || data[end - 1] != '\n' || space >= end) {
        throw new MalformedArchiveException(what + ": malformed PAX record");
      }
      int eq = space + 1;
      while (eq < end && data[eq] != '=') {
        eq++;
      }
      if (eq >= end) {
        throw new MalformedArchiveException(what + ": malformed PAX record (no '=')");
      }
      String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
      int valueStart = eq + 1;
      int valueLength = end - 1 - valueStart;
      if (key.startsWith(TarEntry.XATTR_PREFIX)) {
        byte[] value = new byte[valueLength];
        System.arraycopy(data, valueStart, value, 0, valueLength);
        xattrs.put(key.substring(TarEntry.XATTR_PREFIX.length()), value);
      } else {
        into.put(key, new String(data, valueStart, valueLength, StandardCharsets.UTF_8));
      }
      i = end;
    }
  }

  private long paxLong(String v, String field) throws IOException {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new MalformedArchiveException(what + ": malformed PAX " + field + " " + InputText.quote(v));
    }
  }

  private Instant paxTime(String v) throws IOException {
    try {
      int dot = v.indexOf('.');
      long seconds = Long.parseLong(dot < 0 ? v : v.substring(0, dot));
      long nanos = 0;
      if (dot >= 0) {
        String frac = (v.substring(dot + 1) + "000000000").substring(0, 9);
        if (!frac.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new NumberFormatException(frac);
        }
        nanos = Long.parseLong(frac);
      }
      if (Math.abs(seconds) > MAX_SECONDS) {
        throw new NumberFormatException(v);
      }
      return v.startsWith("-") ? Instant.ofEpochSecond(seconds, -nanos) : Instant.ofEpochSecond(seconds, nanos);
    } catch (NumberFormatException e) {
      throw new MalformedArchiveException(what + ": malformed PAX mtime " + InputText.quote(v));
    }
  }

  /** An octal (NUL/space padded) or base-256 numeric header field. */
  private long number(int off, int len, String field) throws IOException {
    if ((header[off] & 0x80) != 0) {
      if ((header[off] & 0x40) != 0) {
        throw new MalformedArchiveException(what + ": negative base-256 " + field + " in tar header");
      }
      long value = header[off] & 0x3f;
      for (int i = 1; i < len; i++) {
        if (value > (Long.MAX_VALUE >> 8)) {
          throw new MalformedArchiveException(what + ": base-256 " + field + " out of range in tar header");
        }
        value = (value << 8) | (header[off + i] & 0xff);
      }
      return value;
    }
    long value = 0;
    int i = off;
    int end = off + len;
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    boolean any = false;
    for (; i < end; i++) {
      byte b = header[i];
      if (b == 0 || b == ' ') {
        break;
      }
      if (b < '0' || b > '7') {
        throw new MalformedArchiveException(what + ": malformed " + field + " field in tar header");
      }
      value = (value << 3) | (b - '0');
      any = true;
    }
    return any ? value : 0;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private void skipRest() throws IOException {
    skipBytes(remaining + padding);
    remaining = 0;
    padding = 0;
  }

  private void skipBytes(long n) throws IOException {
    byte[] skip = new byte[(int) Math.min(n, 8192)];
    while (n > 0) {
      int r = in.read(skip, 0, (int) Math.min(n, skip.length));
      if (r < 0) {
        throw new MalformedArchiveException(what + ": truncated tar stream");
      }
      n -= r;
      position += r;
    }
  }

  /** Reads up to len bytes; returns the count (less only at EOF). With atBoundary, 0 means a clean end. */
  private int readFully(byte[] b, int off, int len, boolean atBoundary) throws IOException {
    int total = 0;
    while (total < len) {
      int r = in.read(b, off + total, len - total);
      if (r < 0) {
        break;
      }
      total += r;
    }
    position += total;
    return total;
  }
}
