package dev.apkofarm.core.install;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.fs.ContentRef;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One entry of a package's data section as the installer uses it: the tar header fields, the SHA-1 the package
 * recorded ({@code APK-TOOLS.checksum.SHA1}), extended attributes, and for regular files where the bytes are.
 *
 * @param name path relative to the image root (checked by the package reader: no {@code ..}, not absolute)
 * @param kind what it is
 * @param mode permission bits with setuid/setgid/sticky ({@code 07777})
 * @param uid owner as recorded (the image keeps 0, as apko; the database records it)
 * @param gid group as recorded
 * @param mtime modification time, seconds since the epoch
 * @param linkname symlink target or hardlink target path
 * @param xattrs extended attributes
 * @param checksum the package's SHA-1 of the file (or of a symlink's target)
 * @param content a regular file's bytes
 */
public record DataEntry(
    String name,
    Kind kind,
    int mode,
    long uid,
    long gid,
    long mtime,
    String linkname,
    SortedMap<String, byte[]> xattrs,
    Optional<byte[]> checksum,
    Optional<ContentRef> content) {
  /** Entry kinds. */
  public enum Kind {
    FILE,
    HARDLINK,
    SYMLINK,
    DIRECTORY,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    FIFO
  }

  public DataEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(linkname, "linkname");
    if (xattrs.isEmpty()) {
      xattrs = Collections.emptySortedMap(); // shared: entries are many, attributes rare
    } else {
      TreeMap<String, byte[]> x = new TreeMap<>(CodePointOrder.INSTANCE);
      for (Map.Entry<String, byte[]> e : xattrs.entrySet()) {
        x.put(e.getKey(), e.getValue().clone());
      }
      xattrs = Collections.unmodifiableSortedMap(x);
    }
    checksum = checksum.map(byte[]::clone);
    Objects.requireNonNull(content, "content");
    if (kind == Kind.FILE && content.isEmpty()) {
      throw new IllegalArgumentException(name + ": a regular file needs content");
    }
  }

  /** The file size (0 for everything but regular files). */
  public long size() {
    return content.map(ContentRef::size).orElse(0L);
  }
}
