package dev.apkofarm.core.apk.archive;

import dev.apkofarm.core.CodePointOrder;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One tar entry's header as Go's {@code archive/tar.Header} holds it (the fields apko sets), before the writer picks
 * USTAR or PAX encoding.
 *
 * @param typeflag {@code '0'} file, {@code '1'} hardlink, {@code '2'} symlink, {@code '3'} char device, {@code '4'}
 *     block device, {@code '5'} directory
 * @param name full path, no leading {@code ./} and no trailing {@code /}
 * @param linkname symlink or hardlink target, else empty
 * @param size data bytes that follow (0 for header-only types)
 * @param mode permission bits with setuid/setgid/sticky (07777)
 * @param uid owner id
 * @param gid group id
 * @param uname owner name, or empty
 * @param gname group name, or empty
 * @param mtime modification time, seconds since the epoch
 * @param devMajor device major number
 * @param devMinor device minor number
 * @param paxRecords extra PAX records such as {@code SCHILY.xattr.<name>}; values are raw bytes
 */
public record TarHeader(
    char typeflag,
    String name,
    String linkname,
    long size,
    long mode,
    long uid,
    long gid,
    String uname,
    String gname,
    long mtime,
    long devMajor,
    long devMinor,
    SortedMap<String, byte[]> paxRecords) {
  public static final char REG = '0';
  public static final char LINK = '1';
  public static final char SYMLINK = '2';
  public static final char CHAR = '3';
  public static final char BLOCK = '4';
  public static final char DIR = '5';

  public TarHeader {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(linkname, "linkname");
    Objects.requireNonNull(uname, "uname");
    Objects.requireNonNull(gname, "gname");
    if (size < 0) {
      throw new IllegalArgumentException("negative size for " + name);
    }
    TreeMap<String, byte[]> copy = new TreeMap<>(CodePointOrder.INSTANCE);
    for (Map.Entry<String, byte[]> e : paxRecords.entrySet()) {
      copy.put(e.getKey(), e.getValue().clone());
    }
    paxRecords = Collections.unmodifiableSortedMap(copy);
  }

  /** A header with no owner names, devices or PAX records. */
  public static TarHeader of(char typeflag, String name, String linkname, long size, long mode, long mtime) {
    return new TarHeader(typeflag, name, linkname, size, mode, 0, 0, "", "", mtime, 0, 0, new TreeMap<>());
  }

  /** True for the types that carry no data even if a size is given (Go's {@code isHeaderOnlyType}). */
  public boolean isHeaderOnly() {
    return switch (typeflag) {
      case LINK, SYMLINK, CHAR, BLOCK, DIR, '6' -> true;
      default -> false;
    };
  }

  /** This header with another modification time. */
  public TarHeader withMtime(long newMtime) {
    return new TarHeader(
        typeflag, name, linkname, size, mode, uid, gid, uname, gname, newMtime, devMajor, devMinor, paxRecords);
  }

  /** This header with another size. */
  public TarHeader withSize(long newSize) {
    return new TarHeader(
        typeflag, name, linkname, newSize, mode, uid, gid, uname, gname, mtime, devMajor, devMinor, paxRecords);
  }
}
