package dev.apkofarm.core.fs;

import dev.apkofarm.core.CodePointOrder;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One entry of an {@link ImageTree}: a directory, regular file, symbolic link or device node, with its unix mode
 * bits, owner, modification time and extended attributes.
 *
 * <p>Nodes are mutable while the image is assembled (chmod, chown, touch) and are confined to the thread building
 * one arch. A hardlinked file is one node reachable under several names.
 */
public abstract sealed class Node permits Directory, RegularFile, Symlink, Device {
  /** setuid, setgid and sticky bits plus the nine permission bits. */
  public static final int MODE_MASK = 07777;

  private int mode;
  private long uid;
  private long gid;
  private long mtime;
  /** Null until the first attribute is set: most nodes have none, and a tree may hold hundreds of thousands. */
  private TreeMap<String, byte[]> xattrs;
  /** Names under which this node was added as a hardlink by a package, with the link name the package gave. */
  private TreeMap<String, String> hardlinkNames;

  Node(int mode, long mtime) {
    setMode(mode);
    this.mtime = mtime;
  }

  /** Permission bits including setuid (04000), setgid (02000) and sticky (01000). */
  public int mode() {
    return mode;
  }

  public void setMode(int mode) {
    if ((mode & ~MODE_MASK) != 0) {
      throw new IllegalArgumentException("mode has bits outside 07777: " + Integer.toOctalString(mode));
    }
    this.mode = mode;
  }

  public long uid() {
    return uid;
  }

  public long gid() {
    return gid;
  }

  public void setOwner(long uid, long gid) {
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("negative uid/gid " + uid + ":" + gid);
    }
    this.uid = uid;
    this.gid = gid;
  }

  /** Modification time in seconds since the epoch (0 for what the build creates). */
  public long mtime() {
    return mtime;
  }

  public void setMtime(long mtime) {
    this.mtime = mtime;
  }

  /** Extended attributes by name (e.g. {@code security.capability}), sorted; values are raw bytes. */
  public SortedMap<String, byte[]> xattrs() {
    return xattrs == null ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(xattrs);
  }

  public void setXattr(String name, byte[] value) {
    if (name.isEmpty() || name.indexOf('\0') >= 0 || name.indexOf('=') >= 0) {
      throw new IllegalArgumentException("invalid xattr name: " + name);
    }
    if (xattrs == null) {
      xattrs = new TreeMap<>(CodePointOrder.INSTANCE);
    }
    xattrs.put(name, value.clone());
  }

  /** The hardlink names a package created for this node, and the link target it named for each. */
  public Map<String, String> hardlinkNames() {
    return hardlinkNames == null ? Map.of() : Collections.unmodifiableMap(hardlinkNames);
  }

  /** The link target to write for {@code path} if a package made {@code path} a hardlink to this node. */
  public Optional<String> hardlinkTargetFor(String path) {
    return hardlinkNames == null ? Optional.empty() : Optional.ofNullable(hardlinkNames.get(path));
  }

  void addHardlinkName(String path, String linkname) {
    if (hardlinkNames == null) {
      hardlinkNames = new TreeMap<>(CodePointOrder.INSTANCE);
    }
    hardlinkNames.put(path, linkname);
  }
}
