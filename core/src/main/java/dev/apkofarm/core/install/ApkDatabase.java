package dev.apkofarm.core.install;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.TreeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;

/**
 * The apk database files as apko lays them out before installing packages ({@code apk add --initdb}): base
 * directories, {@code etc/apk/{arch,world,repositories,keys/}}, {@code usr/lib/apk/db/{installed,lock,triggers,
 * scripts.tar}}, the {@code /dev} nodes; and the world and repository lists. All created with mtime 0.
 */
public final class ApkDatabase {
  public static final String INSTALLED = "usr/lib/apk/db/installed";
  public static final String SCRIPTS = "usr/lib/apk/db/scripts.tar";
  public static final String TRIGGERS = "usr/lib/apk/db/triggers";
  public static final String WORLD = "etc/apk/world";
  public static final String REPOSITORIES = "etc/apk/repositories";
  public static final String KEYS = "etc/apk/keys";

  private ApkDatabase() {}

  /** A key file to install into {@code /etc/apk/keys} under its base name. */
  public record KeyFile(String name, byte[] content) {
    public KeyFile {
      int slash = name.lastIndexOf('/');
      name = name.substring(slash + 1);
      if (name.isEmpty() || name.equals(".") || name.equals("..")) {
        throw new IllegalArgumentException("invalid key file name: " + name);
      }
      content = content.clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }
  }

  /** apko's {@code InitDB}: the base layout and empty database for {@code apkArch} (e.g. {@code x86_64}). */
  public static void init(ImageTree tree, String apkArch) throws TreeException {
    mkdirIfMissing(tree, "tmp", 01777);
    mkdirIfMissing(tree, "dev", 0755);
    mkdirIfMissing(tree, "etc", 0755);
    mkdirIfMissing(tree, "opt", 0755);
    mkdirIfMissing(tree, "proc", 0555);
    mkdirIfMissing(tree, "var", 0755);
    mkdirIfMissing(tree, "usr", 0755);
    for (String d :
        List.of(
            "etc/apk",
            "etc/apk/keys",
            "usr/lib",
            "usr/lib/apk",
            "usr/lib/apk/db",
            "usr/lib/apk/exec",
            "var/cache",
            "var/cache/apk",
            "var/cache/misc")) {
      mkdirIfMissing(tree, d, 0755);
    }
    tree.writeFile(WORLD, "\n".getBytes(StandardCharsets.UTF_8), 0644);
    tree.writeFile(REPOSITORIES, "\n".getBytes(StandardCharsets.UTF_8), 0644);
    tree.writeFile("usr/lib/apk/db/lock", new byte[0], 0600);
    tree.writeFile(TRIGGERS, new byte[0], 0644);
    tree.writeFile(INSTALLED, new byte[0], 0644);
    tree.writeFile("etc/apk/arch", (apkArch + "\n").getBytes(StandardCharsets.UTF_8), 0644);
    tree.mknod("dev/zero", true, 1, 5, 0666);
    tree.mknod("dev/urandom", true, 1, 9, 0666);
    tree.mknod("dev/null", true, 1, 3, 0666);
    tree.mknod("dev/random", true, 1, 8, 0666);
    tree.mknod("dev/console", true, 5, 1, 0620);
    // An empty tar: its two zero blocks.
    tree.writeFile(SCRIPTS, new byte[1024], 0644);
  }

  private static void mkdirIfMissing(ImageTree tree, String path, int mode) throws TreeException {
    if (tree.stat(path).isEmpty()) {
      tree.mkdir(path, mode);
    }
  }

  /** apko's {@code InitKeyring}: each key under {@code etc/apk/keys/<base name>}, mode 0644. */
  public static void writeKeys(ImageTree tree, List<KeyFile> keys) throws TreeException {
    tree.mkdirAll(KEYS, 0755);
    for (KeyFile k : keys) {
      tree.writeFile(KEYS + "/" + k.name(), k.content(), 0644);
    }
  }

  /** {@code etc/apk/repositories}: one per line, as given. */
  public static void writeRepositories(ImageTree tree, List<String> repositories) throws BadInputException {
    if (repositories.isEmpty()) {
      throw new BadInputException("the image has no repositories (contents.repositories): apk needs at least one");
    }
    tree.writeFile(REPOSITORIES, (String.join("\n", repositories) + "\n").getBytes(StandardCharsets.UTF_8), 0644);
  }

  /** {@code etc/apk/world}: the package constraints, de-duplicated and sorted. */
  public static void writeWorld(ImageTree tree, List<String> packages) throws TreeException {
    TreeSet<String> sorted = new TreeSet<>(CodePointOrder.INSTANCE);
    sorted.addAll(packages);
    tree.writeFile(WORLD, (String.join("\n", sorted) + "\n").getBytes(StandardCharsets.UTF_8), 0644);
  }
}
