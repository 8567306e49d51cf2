package dev.apkofarm.core.fs;

import dev.apkofarm.core.fs.TreeException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The root filesystem of one image as it is assembled: an in-memory tree of {@link Node}s whose file contents stay
 * where they are ({@link ContentRef}), so memory grows with the number of files, not their size.
 *
 * <p>Paths are relative to the image root; a leading {@code /} or {@code ./} is ignored. A path given to this API may
 * not contain {@code ..}. Symbolic links are followed in intermediate components (and in the last one where the
 * operation says so) with POSIX semantics inside the root: absolute targets start at the image root, and a target
 * that climbs above the root is refused ({@link Reason#ESCAPES_ROOT}) for every write and reads as absent.
 *
 * <p>Not thread-safe: one tree belongs to one arch build.
 */
public final class ImageTree {
  /** Linux's limit on symbolic links followed while resolving one path. */
  static final int MAX_LINKS = 40;

  private final Directory root = new Directory(0755, 0);
  private long steps;

  /** The root directory (never written to a layer). */
  public Directory root() {
    return root;
  }

  // ---- paths ---------------------------------------------------------------------------------------------------

  /**
   * Normalises an API path: strips leading {@code /} and {@code ./}, drops empty and {@code .} components.
   *
   * @throws TreeException for {@code ..} components or NUL bytes
   */
  public static String normalize(String path) throws TreeException {
    return String.join("/", components(path));
  }

  static List<String> components(String path) throws TreeException {
    if (path.indexOf('\0') >= 0) {
      throw new TreeException(Reason.INVALID_PATH, path.replace('\0', '?'), "contains NUL");
    }
    List<String> out = new ArrayList<>();
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new TreeException(Reason.INVALID_PATH, stripLeading(path), "\"..\" is not allowed");
      }
      out.add(part);
    }
    return out;
  }

  private static String stripLeading(String path) {
    int i = 0;
    while (i < path.length() && path.charAt(i) == '/') {
      i++;
    }
    return path.substring(i);
  }

  /** Where a path ends: the directory holding the last name, and the node there (null if absent). */
  private record Location(Directory parent, String name, Node node, String path) {}

  /**
   * Resolves {@code path}. Intermediate symlinks are always followed; the last one only if {@code followLast}.
   * Returns the location of the final name even if nothing exists there yet (its parent must exist).
   *
   * <p>Linear in the length of the path (plus the targets of the links followed): the path of the location is
   * joined once, at the end, never per component, so a tree thousands of levels deep costs no more per level.
   */
  private Location resolve(String path, boolean followLast) throws TreeException {
    Deque<String> todo = new ArrayDeque<>(components(path));
    List<Directory> dirs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    dirs.add(root);
    int links = 0;
    while (!todo.isEmpty()) {
      String name = todo.pollFirst();
      steps++;
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        if (names.isEmpty()) {
          throw new TreeException(Reason.ESCAPES_ROOT, normalizeQuietly(path));
        }
        dirs.remove(dirs.size() - 1);
        names.remove(names.size() - 1);
        continue;
      }
      boolean last = todo.isEmpty();
      Directory dir = dirs.get(dirs.size() - 1);
      Node child = dir.child(name);
      if (child instanceof Symlink link && (!last || followLast)) {
        if (++links > MAX_LINKS) {
          throw new TreeException(Reason.TOO_MANY_LINKS, normalizeQuietly(path));
        }
        String target = link.target();
        if (target.startsWith("/")) {
          dirs.subList(1, dirs.size()).clear();
          names.clear();
        }
        String[] parts = target.split("/", -1);
        for (int i = parts.length - 1; i >= 0; i--) {
          todo.addFirst(parts[i]);
        }
        continue;
      }
      if (last) {
        return new Location(dir, name, child, joined(names, name));
      }
      if (child == null) {
        throw new TreeException(Reason.NOT_FOUND, joined(names, name));
      }
      if (!(child instanceof Directory d)) {
        throw new TreeException(Reason.NOT_A_DIRECTORY, joined(names, name));
      }
      dirs.add(d);
      names.add(name);
    }
    // The path (after following links) names a directory itself, e.g. the root.
    return new Location(null, null, dirs.get(dirs.size() - 1), String.join("/", names));
  }

  private static String joined(List<String> names, String name) {
    return names.isEmpty() ? name : String.join("/", names) + "/" + name;
  }

  /**
   * Path components visited by every resolution so far (links followed included): a measure of the work path
   * resolution does, for tests and benchmarks that show it grows linearly with the paths given.
   */
  public long resolutionSteps() {
    return steps;
  }

  private static String normalizeQuietly(String path) {
    try {
      return normalize(path);
    } catch (TreeException e) {
      return path;
    }
  }

  private Location parentFor(String path) throws TreeException {
    Location loc = resolve(path, false);
    if (loc.parent() == null) {
      throw new TreeException(Reason.EXISTS, loc.path());
    }
    return loc;
  }

  // ---- reading -------------------------------------------------------------------------------------------------

  /** The node at {@code path} without following a final symlink; empty if absent or unreachable. */
  public Optional<Node> lstat(String path) {
    try {
      return Optional.ofNullable(resolve(path, false).node());
    } catch (TreeException e) {
      if (e.reason() == Reason.INVALID_PATH) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      return Optional.empty();
    }
  }

  /** The node at {@code path} following symlinks; empty if absent, dangling or unreachable. */
  public Optional<Node> stat(String path) {
    try {
      return Optional.ofNullable(resolve(path, true).node());
    } catch (TreeException e) {
      if (e.reason() == Reason.INVALID_PATH) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      return Optional.empty();
    }
  }

  /** True if something (possibly a dangling symlink) exists at {@code path}. */
  public boolean exists(String path) {
    return lstat(path).isPresent();
  }

  /** The node at {@code path}, following symlinks. */
  public Node get(String path) throws TreeException {
    Location loc = resolve(path, true);
    if (loc.node() == null) {
      throw new TreeException(Reason.NOT_FOUND, loc.path());
    }
    return loc.node();
  }

  /** The regular file at {@code path}, following symlinks. */
  public RegularFile getFile(String path) throws TreeException {
    Node node = get(path);
    if (node instanceof Directory) {
      throw new TreeException(Reason.IS_A_DIRECTORY, normalizeQuietly(path));
    }
    if (!(node instanceof RegularFile file)) {
      throw new TreeException(Reason.INVALID_PATH, normalizeQuietly(path), "not a regular file");
    }
    return file;
  }

  /** Opens the file at {@code path} for reading, following symlinks. */
  public InputStream open(String path) throws TreeException, IOException {
    return getFile(path).content().open();
  }

  /** Reads a (small) file, following symlinks. */
  public byte[] readFile(String path) throws TreeException, IOException {
    return getFile(path).content().readAllBytes();
  }

  /** The target of the symlink at {@code path}. */
  public String readlink(String path) throws TreeException {
    Location loc = resolve(path, false);
    if (loc.node() == null) {
      throw new TreeException(Reason.NOT_FOUND, loc.path());
    }
    if (!(loc.node() instanceof Symlink link)) {
      throw new TreeException(Reason.NOT_A_SYMLINK, loc.path());
    }
    return link.target();
  }

  // ---- creating ------------------------------------------------------------------------------------------------

  /** Creates one directory (mtime 0); its parent must exist. */
  public Directory mkdir(String path, int mode) throws TreeException {
    Location loc = parentFor(path);
    if (loc.node() != null) {
      throw new TreeException(Reason.EXISTS, loc.path());
    }
    Directory dir = new Directory(mode, 0);
    loc.parent().put(loc.name(), dir);
    return dir;
  }

  /**
   * Creates {@code path} and missing parents with {@code mode} (mtime 0). Existing directories, and symlinks to
   * directories, are kept as they are.
   */
  public Directory mkdirAll(String path, int mode) throws TreeException {
    Directory dir = root;
    StringBuilder here = new StringBuilder();
    for (String name : components(path)) {
      steps++;
      if (here.length() > 0) {
        here.append('/');
      }
      here.append(name);
      Node child = dir.child(name);
      if (child == null) {
        Directory created = new Directory(mode, 0);
        dir.put(name, created);
        dir = created;
        continue;
      }
      if (child instanceof Symlink) {
        child = get(here.toString());
      }
      if (!(child instanceof Directory d)) {
        throw new TreeException(Reason.NOT_A_DIRECTORY, here.toString());
      }
      dir = d;
    }
    return dir;
  }

  /**
   * Writes a whole file held in memory, following a final symlink. A new file gets {@code mode} and mtime 0; an
   * existing one keeps its mode, owner, time and installing package and gets the new bytes.
   */
  public RegularFile writeFile(String path, byte[] content, int mode) throws TreeException {
    Location loc = resolve(path, true);
    if (loc.node() == null) {
      if (loc.parent() == null) {
        throw new TreeException(Reason.IS_A_DIRECTORY, loc.path());
      }
      RegularFile file = new RegularFile(mode, 0, ContentRef.inline(content));
      loc.parent().put(loc.name(), file);
      return file;
    }
    if (loc.node() instanceof Directory) {
      throw new TreeException(Reason.IS_A_DIRECTORY, loc.path());
    }
    if (!(loc.node() instanceof RegularFile file)) {
      throw new TreeException(Reason.EXISTS, loc.path(), "not a regular file");
    }
    file.setContent(ContentRef.inline(content));
    return file;
  }

  /** Returns the file at {@code path}, creating it empty (mode, mtime 0) if absent; never truncates. */
  public RegularFile openOrCreate(String path, int mode) throws TreeException {
    Location loc = resolve(path, true);
    if (loc.node() == null) {
      if (loc.parent() == null) {
        throw new TreeException(Reason.IS_A_DIRECTORY, loc.path());
      }
      RegularFile file = new RegularFile(mode, 0, ContentRef.empty());
      loc.parent().put(loc.name(), file);
      return file;
    }
    if (loc.node() instanceof Directory) {
      throw new TreeException(Reason.IS_A_DIRECTORY, loc.path());
    }
    if (!(loc.node() instanceof RegularFile file)) {
      throw new TreeException(Reason.EXISTS, loc.path(), "not a regular file");
    }
    return file;
  }

  /** Appends bytes to an existing regular file (the result is held in memory: for small files only). */
  public void appendFile(String path, byte[] more) throws TreeException, IOException {
    RegularFile file = getFile(path);
    byte[] old = file.content().readAllBytes();
    byte[] joined = new byte[old.length + more.length];
    System.arraycopy(old, 0, joined, 0, old.length);
    System.arraycopy(more, 0, joined, old.length, more.length);
    file.setContent(new ContentRef.Inline(joined));
  }

  /** Creates a symlink (mode 0777); like apko, it takes the modification time of its parent directory. */
  public Symlink symlink(String target, String path) throws TreeException {
    Location loc = parentFor(path);
    if (loc.node() != null) {
      throw new TreeException(Reason.EXISTS, loc.path());
    }
    Symlink link = new Symlink(target, 0777, loc.parent().mtime());
    loc.parent().put(loc.name(), link);
    return link;
  }

  /** Creates a device node; like apko, it takes the modification time of its parent directory. */
  public Device mknod(String path, boolean character, long major, long minor, int mode) throws TreeException {
    Location loc = parentFor(path);
    if (loc.node() != null) {
      throw new TreeException(Reason.EXISTS, loc.path());
    }
    Device dev = new Device(character, major, minor, mode, loc.parent().mtime());
    loc.parent().put(loc.name(), dev);
    return dev;
  }

  /**
   * Makes {@code path} another name of the (non-directory) node at {@code existing}.
   *
   * @param tarLinkname if the link comes from a package, the link name it gave: the layer then writes {@code path}
   *     as a hardlink entry; null for links the build makes (written as a second copy, as apko does)
   */
  public void link(String existing, String path, String tarLinkname) throws TreeException {
    Node target = get(existing);
    if (target instanceof Directory) {
      throw new TreeException(Reason.IS_A_DIRECTORY, normalizeQuietly(existing), "cannot hardlink a directory");
    }
    Location loc = parentFor(path);
    if (loc.node() != null) {
      throw new TreeException(Reason.EXISTS, loc.path());
    }
    loc.parent().put(loc.name(), target);
    if (tarLinkname != null) {
      // Keyed by the name as given, as apko does: a link made through a symlinked directory is reached under
      // another path when the layer is walked, and is then written as a copy.
      target.addHardlinkName(normalize(path), tarLinkname);
    }
  }

  /**
   * Puts {@code node} at {@code path}, replacing whatever is there (a final symlink is replaced, not followed). The
   * parent must exist. Used by the installer, which has already decided conflicts.
   */
  public void put(String path, Node node) throws TreeException {
    Location loc = parentFor(path);
    if (loc.node() instanceof Directory && !(node instanceof Directory)) {
      throw new TreeException(Reason.IS_A_DIRECTORY, loc.path());
    }
    loc.parent().put(loc.name(), node);
  }

  /** Removes the entry at {@code path} (a final symlink itself, not its target; a directory with its contents). */
  public void remove(String path) throws TreeException {
    Location loc = parentFor(path);
    if (loc.node() == null) {
      throw new TreeException(Reason.NOT_FOUND, loc.path());
    }
    loc.parent().remove(loc.name());
  }

  // ---- metadata ------------------------------------------------------------------------------------------------

  /** Sets the mode bits (07777) of the node at {@code path}, following symlinks. */
  public void chmod(String path, int mode) throws TreeException {
    get(path).setMode(mode);
  }

  /** Sets the owner of the node at {@code path}, following symlinks. */
  public void chown(String path, long uid, long gid) throws TreeException {
    get(path).setOwner(uid, gid);
  }

  /** Sets the modification time of the node at {@code path}, following symlinks. */
  public void chtimes(String path, long mtime) throws TreeException {
    get(path).setMtime(mtime);
  }

  /** Sets an extended attribute on the node at {@code path}, following symlinks. */
  public void setXattr(String path, String name, byte[] value) throws TreeException {
    get(path).setXattr(name, value);
  }

  // ---- walking -------------------------------------------------------------------------------------------------

  /** Receives the entries of a walk. */
  @FunctionalInterface
  public interface Visitor {
    /**
     * @param path the entry's path relative to the root, e.g. {@code usr/bin/env}
     * @param node the node (a hardlinked node is visited once per name)
     */
    void visit(String path, Node node) throws IOException;
  }

  /**
   * Visits every entry except the root, depth first, each directory before its children and children in byte-wise
   * name order (Go's {@code fs.WalkDir} order). Symlinks are not followed.
   */
  public void walk(Visitor visitor) throws IOException {
    walk(root, "", visitor);
  }

  private static void walk(Directory dir, String prefix, Visitor visitor) throws IOException {
    for (Map.Entry<String, Node> e : dir.children().entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "/" + e.getKey();
      Node node = e.getValue();
      visitor.visit(path, node);
      if (node instanceof Directory sub) {
        walk(sub, path, visitor);
      }
    }
  }
}
