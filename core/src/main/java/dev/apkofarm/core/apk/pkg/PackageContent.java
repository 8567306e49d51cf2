package dev.apkofarm.core.apk.pkg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of a package to write: directories, regular files (bytes in memory or streamed from a file on disk),
 * symlinks and hardlinks, with modes (including setuid/setgid/sticky), owners and extended attributes. Paths are
 * relative to the image root; parents are added as {@code 0755} directories when not given. Entries come out
 * sorted by path, which (with fixed owners and times) is what makes packages reproducible.
 */
public final class PackageContent {
  /** What an entry is. */
  public enum Kind {
    DIRECTORY,
    FILE,
    SYMLINK,
    HARDLINK
  }

  /**
   * One entry.
   *
   * @param path relative path, no leading {@code /}, no {@code ..}
   * @param kind its kind
   * @param mode permission bits ({@code 07777})
   * @param uid owner
   * @param gid group
   * @param link symlink target or hardlink target path (empty otherwise)
   * @param source for files: where the bytes come from
   * @param xattrs extended attributes by name (e.g. {@code security.capability})
   */
  public record Entry(
      String path,
      Kind kind,
      int mode,
      long uid,
      long gid,
      String link,
      Optional<Source> source,
      Map<String, byte[]> xattrs) {
    public Entry {
      checkPath(path);
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(link, "link");
      Objects.requireNonNull(source, "source");
      if ((mode & ~07777) != 0) {
        throw new IllegalArgumentException(path + ": mode " + Integer.toOctalString(mode) + " has bits beyond 07777");
      }
      if (kind == Kind.FILE && source.isEmpty()) {
        throw new IllegalArgumentException(path + ": a file needs content");
      }
      if (kind == Kind.HARDLINK) {
        checkPath(link);
      }
      if (kind == Kind.SYMLINK && link.isEmpty()) {
        throw new IllegalArgumentException(path + ": a symlink needs a target");
      }
      Map<String, byte[]> copy = new TreeMap<>();
      xattrs.forEach((k, v) -> copy.put(k, v.clone()));
      xattrs = Collections.unmodifiableMap(copy);
    }
  }

  /** Where a file's bytes come from: memory (small test content) or a file streamed at write time. */
  public interface Source {
    long size() throws IOException;

    InputStream open() throws IOException;
  }

  private record Bytes(byte[] bytes) implements Source {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public InputStream open() {
      return new ByteArrayInputStream(bytes);
    }
  }

  private record FileSource(Path file) implements Source {
    @Override
    public long size() throws IOException {
      return Files.size(file);
    }

    @Override
    public InputStream open() throws IOException {
      return Files.newInputStream(file);
    }
  }

  private final List<Entry> entries;

  private PackageContent(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** The entries, parents before children, sorted by path. */
  public List<Entry> entries() {
    return entries;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Everything under {@code root} (not following symlinks): modes from the file system (setuid etc. where the
   * platform reports them), owners root unless {@code keepOwners}, files linked to the same inode as hardlinks to
   * the first of them by path. Sockets, fifos and devices are refused.
   */
  public static PackageContent fromDirectory(Path root, boolean keepOwners) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException(root + " is not a directory");
    }
    Builder b = builder();
    Map<Object, String> inodes = new HashMap<>();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.filter(p -> !p.equals(root)).sorted((x, y) -> rel(root, x).compareTo(rel(root, y))).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (Path p : paths) {
      String rel = rel(root, p);
      BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      int mode = mode(p, attrs);
      long uid = keepOwners ? unixNumber(p, "unix:uid") : 0;
      long gid = keepOwners ? unixNumber(p, "unix:gid") : 0;
      if (attrs.isSymbolicLink()) {
        b.add(new Entry(rel, Kind.SYMLINK, 0777, uid, gid, Files.readSymbolicLink(p).toString(), Optional.empty(), Map.of()));
      } else if (attrs.isDirectory()) {
        b.add(new Entry(rel, Kind.DIRECTORY, mode, uid, gid, "", Optional.empty(), Map.of()));
      } else if (attrs.isRegularFile()) {
        Object key = attrs.fileKey();
        String first = key == null ? null : inodes.putIfAbsent(key, rel);
        if (first != null) {
          b.add(new Entry(rel, Kind.HARDLINK, mode, uid, gid, first, Optional.empty(), Map.of()));
        } else {
          b.add(new Entry(rel, Kind.FILE, mode, uid, gid, "", Optional.of(new FileSource(p)), Map.of()));
        }
      } else {
        throw new IOException(p + " is neither a file, a directory nor a symlink; packages cannot carry it");
      }
    }
    return b.build();
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  private static int mode(Path p, BasicFileAttributes attrs) throws IOException {
    try {
      Object m = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return ((Integer) m) & 07777;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      if (attrs.isSymbolicLink()) {
        return 0777;
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      int mode = 0;
      for (PosixFilePermission perm : perms) {
        mode |= 1 << (8 - perm.ordinal());
      }
      return mode;
    }
  }

  private static long unixNumber(Path p, String attribute) throws IOException {
    try {
      return ((Number) Files.getAttribute(p, attribute, LinkOption.NOFOLLOW_LINKS)).longValue();
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return 0;
    }
  }

  static void checkPath(String path) {
    Objects.requireNonNull(path, "path");
    if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException("invalid package path \"" + path + "\" (relative, no leading or trailing /)");
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("invalid package path \"" + path + "\" (empty, . or .. component)");
      }
    }
  }

  /** Collects entries; a later entry for the same path replaces an earlier one. */
  public static final class Builder {
    private final Map<String, Entry> entries = new TreeMap<>();

    private Builder() {}

    public Builder add(Entry e) {
      entries.put(e.path(), e);
      return this;
    }

    public Builder directory(String path, int mode) {
      return add(new Entry(path, Kind.DIRECTORY, mode, 0, 0, "", Optional.empty(), Map.of()));
    }

    public Builder file(String path, byte[] content, int mode) {
      return add(new Entry(path, Kind.FILE, mode, 0, 0, "", Optional.of(new Bytes(content.clone())), Map.of()));
    }

    public Builder file(String path, String content, int mode) {
      return file(path, content.getBytes(java.nio.charset.StandardCharsets.UTF_8), mode);
    }

    /** A file whose bytes are streamed from {@code source} when the package is written. */
    public Builder file(String path, Path source, int mode) {
      return add(new Entry(path, Kind.FILE, mode, 0, 0, "", Optional.of(new FileSource(source)), Map.of()));
    }

    public Builder symlink(String path, String target) {
      return add(new Entry(path, Kind.SYMLINK, 0777, 0, 0, target, Optional.empty(), Map.of()));
    }

    public Builder hardlink(String path, String target) {
      return add(new Entry(path, Kind.HARDLINK, 0644, 0, 0, target, Optional.empty(), Map.of()));
    }

    /** Sets the owner of an entry added before. */
    public Builder owner(String path, long uid, long gid) {
      Entry e = existing(path);
      return add(new Entry(path, e.kind(), e.mode(), uid, gid, e.link(), e.source(), e.xattrs()));
    }

    /** Adds an extended attribute to an entry added before. */
    public Builder xattr(String path, String name, byte[] value) {
      Entry e = existing(path);
      Map<String, byte[]> x = new TreeMap<>(e.xattrs());
      x.put(name, value);
      return add(new Entry(path, e.kind(), e.mode(), e.uid(), e.gid(), e.link(), e.source(), x));
    }

    private Entry existing(String path) {
      Entry e = entries.get(path);
      if (e == null) {
        throw new IllegalArgumentException("no entry " + path + " to modify");
      }
      return e;
    }

    public PackageContent build() {
      Map<String, Entry> all = new TreeMap<>(entries);
      for (String path : entries.keySet()) {
        int slash = path.lastIndexOf('/');
        while (slash > 0) {
          String parent = path.substring(0, slash);
          all.putIfAbsent(parent, new Entry(parent, Kind.DIRECTORY, 0755, 0, 0, "", Optional.empty(), Map.of()));
          slash = parent.lastIndexOf('/');
        }
      }
      for (Entry e : all.values()) {
        if (e.kind() == Kind.HARDLINK) {
          Entry target = all.get(e.link());
          if (target == null || target.kind() != Kind.FILE || target.path().compareTo(e.path()) >= 0) {
            throw new IllegalArgumentException(
                "hardlink " + e.path() + " must point to a regular file that sorts before it, not " + e.link());
          }
        }
      }
      return new PackageContent(new ArrayList<>(all.values()));
    }
  }
}
