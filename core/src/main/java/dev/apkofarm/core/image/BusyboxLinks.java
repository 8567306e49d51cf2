package dev.apkofarm.core.image;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.fs.Symlink;
import dev.apkofarm.core.fs.TreeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * apko's busybox applet links: when {@code /bin/busybox} exists, every path listed in {@code
 * /etc/busybox-paths.d/<package>} (the package named {@code busybox}, else the last one providing it) becomes a
 * symlink to {@code /bin/busybox}; each link's directory takes busybox's mtime. apko's built-in fallback lists for old
 * busybox versions without that file are not reproduced: such images get no links and a warning.
 */
final class BusyboxLinks {
  private static final String BUSYBOX = "bin/busybox";

  private BusyboxLinks() {}

  /** A package name with its version and provides, in install order. */
  record Pkg(String name, String version, List<String> provides) {}

  static void install(ImageTree tree, List<Pkg> installed, Consumer<String> warn)
      throws BadInputException, IOException {
    Optional<Node> busybox = tree.stat(BUSYBOX);
    if (busybox.isEmpty()) {
      return;
    }
    String pkgName = null;
    for (Pkg p : installed) {
      if (p.name().equals("busybox")) {
        pkgName = p.name();
        break;
      }
      if (p.provides().stream().anyMatch(v -> v.contains("busybox"))) {
        pkgName = p.name();
      }
    }
    if (pkgName == null) {
      throw new BadInputException("/bin/busybox exists but no busybox package is installed");
    }
    String listPath = "etc/busybox-paths.d/" + pkgName;
    Optional<Node> list = tree.stat(listPath).filter(n -> n instanceof RegularFile);
    if (list.isEmpty()) {
      warn.accept("/" + listPath + " is missing: no busybox applet links were created");
      return;
    }
    long mtime = busybox.get().mtime();
    String text = new String(((RegularFile) list.get()).content().readAllBytes(), StandardCharsets.UTF_8);
    try {
      for (String link : text.split("\n", -1)) {
        if (link.isEmpty() || link.equals("/" + BUSYBOX)) {
          continue;
        }
        String path = ImageTree.normalize(link);
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
          continue;
        }
        String dir = path.substring(0, slash);
        tree.mkdirAll(dir, 0755);
        tree.chtimes(dir, mtime);
        Optional<Node> existing = tree.lstat(path);
        if (existing.isPresent()) {
          if (existing.get() instanceof Symlink || tree.stat(path).filter(n -> n instanceof RegularFile).isPresent()) {
            continue;
          }
          throw new TreeException(TreeException.Reason.EXISTS, path);
        }
        tree.symlink("/" + BUSYBOX, path);
      }
    } catch (TreeException e) {
      throw new BadInputException("creating busybox link: " + e.getMessage(), e);
    }
  }
}
