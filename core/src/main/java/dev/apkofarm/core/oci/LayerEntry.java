package dev.apkofarm.core.oci;

import dev.apkofarm.core.apk.archive.TarHeader;
import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.fs.Device;
import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.fs.Symlink;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One entry of a layer: the tar header apko would write for a tree node (Go's {@code tar.FileInfoHeader} over
 * apko's in-memory filesystem) and, for regular files, where the bytes are.
 *
 * <p>The rules, in one place: the name is the full path without {@code ./} or a trailing slash; mode is the
 * permission bits plus setuid/setgid/sticky; uid/gid come from the node and their names from the image's passwd and
 * group; the mtime is the node's; a name a package created as a hardlink is a hardlink entry (size 0); char devices
 * carry major/minor (block devices 0/0, as apko); extended attributes become {@code SCHILY.xattr.*} PAX records on
 * files and directories only.
 *
 * @param path the entry's path
 * @param node the tree node
 * @param header the header to write
 * @param content the bytes to write after the header, if any
 */
public record LayerEntry(String path, Node node, TarHeader header, Optional<ContentRef> content) {
  private static final String XATTR_PREFIX = "SCHILY.xattr.";

  /** The entry for {@code node} reached at {@code path}. */
  public static LayerEntry of(String path, Node node, OwnerNames names) {
    char type;
    String linkname = "";
    long size = 0;
    long major = 0;
    long minor = 0;
    Optional<ContentRef> content = Optional.empty();
    if (node instanceof Directory) {
      type = TarHeader.DIR;
    } else if (node instanceof RegularFile file) {
      Optional<String> hardlink = node.hardlinkTargetFor(path);
      if (hardlink.isPresent()) {
        type = TarHeader.LINK;
        linkname = hardlink.get();
      } else {
        type = TarHeader.REG;
        size = file.size();
        if (size > 0) {
          content = Optional.of(file.content());
        }
      }
    } else if (node instanceof Symlink link) {
      type = TarHeader.SYMLINK;
      linkname = link.target();
    } else {
      Device dev = (Device) node;
      if (dev.isCharacter()) {
        type = TarHeader.CHAR;
        major = dev.major();
        minor = dev.minor();
      } else {
        type = TarHeader.BLOCK;
      }
      Optional<String> hardlink = node.hardlinkTargetFor(path);
      if (hardlink.isPresent()) {
        type = TarHeader.LINK;
        linkname = hardlink.get();
      }
    }
    TreeMap<String, byte[]> pax = new TreeMap<>();
    if (type == TarHeader.REG || type == TarHeader.DIR) {
      for (Map.Entry<String, byte[]> x : node.xattrs().entrySet()) {
        pax.put(XATTR_PREFIX + x.getKey(), x.getValue());
      }
    }
    TarHeader header =
        new TarHeader(
            type,
            path,
            linkname,
            size,
            node.mode(),
            node.uid(),
            node.gid(),
            names.user(node.uid()),
            names.group(node.gid()),
            node.mtime(),
            major,
            minor,
            pax);
    return new LayerEntry(path, node, header, content);
  }
}
