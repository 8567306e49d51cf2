package dev.apkofarm.core.image;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.PathMutation;
import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.Symlink;
import dev.apkofarm.core.fs.TreeException;
import java.util.List;
import java.util.Map;

/**
 * apko's {@code mutatePaths}: each {@code paths} entry in order (directory, empty-file, hardlink, symlink,
 * permissions), every type but {@code permissions} followed by a permissions pass with the entry's mode and owner.
 *
 * <p>As in apko, the permissions pass follows symlinks: a {@code symlink} entry changes the mode of the link's
 * target (a dangling link fails), and a recursive pass changes the targets of links below the path.
 */
final class PathMutations {
  private PathMutations() {}

  static void apply(ImageTree tree, List<PathMutation> paths) throws BadInputException {
    for (int i = 0; i < paths.size(); i++) {
      PathMutation m = paths.get(i);
      try {
        mutate(tree, m);
        if (m.type() != PathMutation.Type.PERMISSIONS) {
          permissions(tree, m);
        }
      } catch (TreeException e) {
        String what = e.reason() == TreeException.Reason.EXISTS ? "file \"" + m.path() + "\" already exists"
            : e.getMessage();
        throw new BadInputException("paths[" + i + "] (" + m.type() + " " + m.path() + "): " + what, e);
      }
    }
  }

  private static void mutate(ImageTree tree, PathMutation m) throws TreeException {
    String path = ImageTree.normalize(m.path());
    switch (m.type()) {
      case DIRECTORY -> tree.mkdirAll(path, m.permissions());
      case EMPTY_FILE -> {
        ensureParent(tree, path);
        tree.writeFile(path, new byte[0], 0644);
      }
      case HARDLINK -> {
        ensureParent(tree, path);
        if (tree.exists(path)) {
          tree.remove(path);
        }
        tree.link(m.source().orElseThrow(), path, null);
      }
      case SYMLINK -> {
        ensureParent(tree, path);
        tree.symlink(m.source().orElseThrow(), path);
      }
      case PERMISSIONS -> permissions(tree, m);
    }
  }

  private static void ensureParent(ImageTree tree, String path) throws TreeException {
    int slash = path.lastIndexOf('/');
    if (slash > 0) {
      tree.mkdirAll(path.substring(0, slash), 0755);
    }
  }

  private static void permissions(ImageTree tree, PathMutation m) throws TreeException {
    String path = ImageTree.normalize(m.path());
    if (m.recursive()) {
      Node root = tree.get(path);
      direct(tree, path, m);
      if (root instanceof Directory dir) {
        recurse(tree, path, dir, m);
      }
    } else {
      direct(tree, path, m);
    }
  }

  private static void recurse(ImageTree tree, String prefix, Directory dir, PathMutation m) throws TreeException {
    for (Map.Entry<String, Node> e : dir.children().entrySet()) {
      String p = prefix.isEmpty() ? e.getKey() : prefix + "/" + e.getKey();
      direct(tree, p, m);
      if (e.getValue() instanceof Directory sub && !(e.getValue() instanceof Symlink)) {
        recurse(tree, p, sub, m);
      }
    }
  }

  private static void direct(ImageTree tree, String path, PathMutation m) throws TreeException {
    tree.chmod(path, m.permissions());
    if (m.uid().isPresent() || m.gid().isPresent()) {
      tree.chown(path, m.uid().orElse(0), m.gid().orElse(0));
    }
  }
}
