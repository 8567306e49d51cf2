package dev.apkofarm.core.apk.archive;

import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One entry of a tar stream inside an apk (data section, control section or index), with the PAX extensions apk
 * uses already applied: long names, {@code SCHILY.xattr.*} extended attributes and {@code APK-TOOLS.checksum.SHA1}.
 */
public final class TarEntry {
  /** PAX record holding the SHA-1 of a regular file's content (hex, or {@code Q1} + base64). */
  public static final String CHECKSUM_RECORD = "APK-TOOLS.checksum.SHA1";
  /** PAX record prefix of an extended attribute. */
  public static final String XATTR_PREFIX = "SCHILY.xattr.";

  /** The entry's kind, from its tar type flag. */
  public enum Type {
    FILE,
    HARDLINK,
    SYMLINK,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    DIRECTORY,
    FIFO
  }

  private final String name;
  private final Type type;
  private final int mode;
  private final long uid;
  private final long gid;
  private final String uname;
  private final String gname;
  private final Instant mtime;
  private final long size;
  private final String linkName;
  private final int devMajor;
  private final int devMinor;
  private final Map<String, String> paxRecords;
  private final Map<String, byte[]> xattrs;
  private final long contentOffset;

  TarEntry(
      String name,
      Type type,
      int mode,
      long uid,
      long gid,
      String uname,
      String gname,
      Instant mtime,
      long size,
      String linkName,
      int devMajor,
      int devMinor,
      Map<String, String> paxRecords,
      Map<String, byte[]> xattrs,
      long contentOffset) {
    this.name = Objects.requireNonNull(name);
    this.type = Objects.requireNonNull(type);
    this.mode = mode;
    this.uid = uid;
    this.gid = gid;
    this.uname = uname;
    this.gname = gname;
    this.mtime = mtime;
    this.size = size;
    this.linkName = linkName;
    this.devMajor = devMajor;
    this.devMinor = devMinor;
    this.paxRecords = Collections.unmodifiableMap(new TreeMap<>(paxRecords));
    this.xattrs = Collections.unmodifiableMap(new TreeMap<>(xattrs));
    this.contentOffset = contentOffset;
  }

  /** The path as stored, e.g. {@code usr/bin/hello} (directories without a trailing slash). */
  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  /** Permission bits including setuid, setgid and sticky ({@code 07777}). */
  public int mode() {
    return mode;
  }

  public long uid() {
    return uid;
  }

  public long gid() {
    return gid;
  }

  /** The owner's user name as recorded (often empty in apks). */
  public String uname() {
    return uname;
  }

  public String gname() {
    return gname;
  }

  /** Modification time (whole seconds unless a PAX record gave a fraction). */
  public Instant mtime() {
    return mtime;
  }

  /** Content length in bytes; 0 for anything but regular files. */
  public long size() {
    return size;
  }

  /** Symlink target or hardlink target path; empty for other types. */
  public String linkName() {
    return linkName;
  }

  public int devMajor() {
    return devMajor;
  }

  public int devMinor() {
    return devMinor;
  }

  /**
   * PAX records other than extended attributes and those tar itself consumes (path, linkpath, size, uid, gid,
   * uname, gname, mtime), e.g. {@link #CHECKSUM_RECORD}; sorted by key.
   */
  public Map<String, String> paxRecords() {
    return paxRecords;
  }

  /** Extended attributes ({@code SCHILY.xattr.<name>}) by name, sorted; values are raw bytes, do not modify. */
  public Map<String, byte[]> xattrs() {
    return xattrs;
  }

  /**
   * Where this entry's content starts in the uncompressed tar stream, so an installer that keeps the uncompressed
   * data section on disk can refer to a file's bytes as (offset, size) instead of copying them.
   */
  public long contentOffset() {
    return contentOffset;
  }

  /**
   * The SHA-1 of the content that apk records in {@link #CHECKSUM_RECORD}, decoded from hex or {@code Q1}+base64.
   *
   * @throws IllegalArgumentException when the record is present but malformed
   */
  public Optional<byte[]> checksumSha1() {
    String value = paxRecords.get(CHECKSUM_RECORD);
    if (value == null) {
      return Optional.empty();
    }
    try {
      byte[] sum =
          value.startsWith("Q1") ? Base64.getDecoder().decode(value.substring(2)) : HexFormat.of().parseHex(value);
      if (sum.length != 20) {
        throw new IllegalArgumentException("not 20 bytes");
      }
      return Optional.of(sum);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "malformed " + CHECKSUM_RECORD + " \"" + value + "\" on " + name + ": " + e.getMessage(), e);
    }
  }

  public boolean isFile() {
    return type == Type.FILE;
  }

  public boolean isDirectory() {
    return type == Type.DIRECTORY;
  }

  @Override
  public String toString() {
    return type + " " + name + (linkName.isEmpty() ? "" : " -> " + linkName);
  }
}
