package dev.apkofarm.core.install;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.archive.TarHeader;
import dev.apkofarm.core.apk.archive.TarWriter;
import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.fs.Symlink;
import dev.apkofarm.core.fs.TreeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Installs verified packages into an {@link ImageTree} in resolver order, as apko's in-memory install does, then
 * writes the installed database, {@code scripts.tar} and {@code triggers}.
 *
 * <p>Rules (apko's): directories are created with the first package's mode and take the last package's mtime (through
 * a symlink to a directory, the target's); files and symlinks get the package's mode and mtime but
 * owner 0:0 (the database records the package's owner); an identical file (same SHA-1) is skipped; a different one
 * replaces the existing file only if the new package {@code replaces} the old one or both share an origin, is
 * skipped if the old package replaces the new one, and is a {@link FileConflictException} otherwise. Install scripts
 * are recorded, never run. File contents are never read except to compare checksums of files the build wrote.
 */
public final class Installer {
  private final ImageTree tree;
  private final long scriptsMtime;
  private final Map<String, PackageInfo> packages = new HashMap<>();
  /** Regular file path → the package whose copy is in the tree (apko's {@code installedFiles}). */
  private final Map<String, PackageInfo> fileOwners = new HashMap<>();
  private final List<PackageInfo> order = new ArrayList<>();
  private final List<List<DataEntry>> entriesByPackage = new ArrayList<>();
  private final ByteArrayOutputStream scripts = new ByteArrayOutputStream();
  private final TarWriter scriptsTar = new TarWriter(scripts);
  private final StringBuilder triggers = new StringBuilder();
  /** Packages a base image already has: recorded first in the database, never installed again. */
  private final List<InstalledPackage> preinstalled = new ArrayList<>();

  /**
   * @param tree an initialised tree ({@link ApkDatabase#init})
   * @param scriptsMtime the mtime given to entries of {@code scripts.tar} (apko: the build date option)
   */
  public Installer(ImageTree tree, long scriptsMtime) {
    this.tree = tree;
    this.scriptsMtime = scriptsMtime;
  }

  /**
   * Records the packages of a base image (apko's {@code AddInstalledPackage} before installing): their records come
   * first in the installed database, and a package of the same name is not installed again. Their files are in the
   * base's layers, not in this tree. Call before {@link #install}.
   */
  public void preinstalled(List<InstalledPackage> base) {
    for (InstalledPackage p : base) {
      packages.putIfAbsent(p.meta().name(), p.meta());
      preinstalled.add(p);
    }
  }

  /** Installs one package; packages must come in resolver order (dependencies first). */
  public void install(PackageArchive archive) throws BadInputException, IOException {
    PackageInfo meta = archive.meta();
    if (packages.containsKey(meta.name())) {
      return; // apko skips a package that is already installed
    }
    List<DataEntry> entries = archive.dataEntries();
    List<DataEntry> listed = new ArrayList<>(entries.size());
    boolean dataStarted = false;
    for (DataEntry e : entries) {
      // apk-tools: before the first non-hidden top-level file, hidden top-level files are not data
      if (!dataStarted && e.name().startsWith(".") && !e.name().contains("/")) {
        continue;
      }
      dataStarted = true;
      try {
        installEntry(meta, e);
      } catch (TreeException ex) {
        throw new InstallException(meta.nameVersion(), "/" + e.name() + ": " + ex.getMessage(), ex);
      }
      listed.add(e);
    }
    for (ControlEntry c : archive.controlEntries()) {
      recordScript(meta, c);
    }
    for (String t : meta.triggers()) {
      triggers.append(meta.checksum().orElseThrow()).append(' ').append(t).append('\n');
    }
    packages.put(meta.name(), meta);
    order.add(meta);
    entriesByPackage.add(listed);
  }

  private void installEntry(PackageInfo meta, DataEntry e) throws BadInputException, IOException {
    switch (e.kind()) {
      case DIRECTORY -> {
        // Over a symlink to a directory this follows the link: the target takes the time and xattrs (apko's
        // in-memory filesystem resolves the link before its directory check, which therefore never fires).
        tree.mkdirAll(e.name(), e.mode() & 0777);
        tree.chtimes(e.name(), e.mtime());
        setXattrs(e);
      }
      case FILE, SYMLINK -> {
        if (e.kind() == DataEntry.Kind.SYMLINK
            && tree.lstat(e.name())
                .filter(n -> n instanceof Symlink s && s.target().equals(e.linkname()))
                .isPresent()) {
          return;
        }
        byte[] checksum = e.checksum().orElse(null);
        if (checksum == null) {
          checksum =
              e.kind() == DataEntry.Kind.SYMLINK
                  ? sha1(e.linkname().getBytes(StandardCharsets.UTF_8))
                  : sha1(e.content().get());
        }
        if (place(meta, e, checksum) && e.kind() == DataEntry.Kind.FILE) {
          fileOwners.put(e.name(), meta);
        }
        setXattrs(e);
      }
      case HARDLINK -> tree.link(e.linkname(), e.name(), e.linkname());
      default -> throw new InstallException(
          meta.nameVersion(), "/" + e.name() + ": unsupported entry type " + e.kind().name().toLowerCase());
    }
  }

  /** apko's conflict rules; returns whether the package's entry now occupies the path. */
  private boolean place(PackageInfo meta, DataEntry e, byte[] checksum)
      throws BadInputException, IOException {
    String parent = e.name().contains("/") ? e.name().substring(0, e.name().lastIndexOf('/')) : "";
    Node dir = parent.isEmpty() ? tree.root() : tree.get(parent);
    if (!(dir instanceof Directory)) {
      throw new TreeException(TreeException.Reason.NOT_A_DIRECTORY, parent);
    }
    Optional<Node> existing = tree.lstat(e.name());
    if (existing.isPresent()) {
      Node old = existing.get();
      Optional<String> oldOwner = ownerOf(old);
      if (oldOwner.isEmpty()) {
        if (!(old instanceof RegularFile f)) {
          throw new InstallException(meta.nameVersion(), "/" + e.name() + " already exists and is not a file");
        }
        byte[] have = sha1(f.content());
        if (Arrays.equals(have, checksum)) {
          return false;
        }
        throw new InstallException(
            meta.nameVersion(),
            "/" + e.name() + " conflicts with a file the build wrote (checksum " + q1(checksum) + ", existing "
                + q1(have) + ")");
      }
      if (Arrays.equals(checksumOf(old), checksum)) {
        return false;
      }
      // The owner may be this very package: a path twice in one package. apko then lets the later copy win (same
      // origin); the package is not in `packages` until all its entries are in.
      PackageInfo got = oldOwner.get().equals(meta.name()) ? meta : packages.get(oldOwner.get());
      if (got == null) {
        throw new IllegalStateException("/" + e.name() + " is owned by " + oldOwner.get() + ", which is not installed");
      }
      if (got.replaces().contains(meta.name())) {
        return false;
      }
      boolean replaces = meta.replaces().contains(got.name());
      boolean sameOrigin = got.origin().equals(meta.origin());
      if (!replaces && !sameOrigin) {
        throw new FileConflictException(e.name(), got, meta);
      }
    }
    Node node =
        e.kind() == DataEntry.Kind.FILE
            ? new RegularFile(e.mode(), e.mtime(), e.content().get(), meta.name(), checksum)
            : new Symlink(e.linkname(), e.mode(), e.mtime(), meta.name(), checksum);
    tree.put(e.name(), node);
    return true;
  }

  private static Optional<String> ownerOf(Node n) {
    if (n instanceof RegularFile f) {
      return f.ownerPackage();
    }
    if (n instanceof Symlink s) {
      return s.ownerPackage();
    }
    return Optional.empty();
  }

  private static byte[] checksumOf(Node n) {
    if (n instanceof RegularFile f) {
      return f.packageChecksum().orElse(null);
    }
    return ((Symlink) n).packageChecksum().orElse(null);
  }

  private void setXattrs(DataEntry e) throws TreeException {
    for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
      tree.setXattr(e.name(), x.getKey(), x.getValue());
    }
  }

  /** apko's {@code updateScriptsTar}: executable control files, renamed {@code name-version.Q1<sum><file>}. */
  private void recordScript(PackageInfo meta, ControlEntry c) throws IOException {
    if ((c.mode() & 0555) != 0555) {
      return;
    }
    String name = meta.name() + "-" + meta.version() + "." + meta.checksum().orElseThrow() + c.name();
    byte[] content = c.content();
    scriptsTar.writeHeader(
        new TarHeader(
            TarHeader.REG, name, "", content.length, c.mode() & 07777, c.uid(), c.gid(), c.uname(), c.gname(),
            scriptsMtime, 0, 0, c.paxRecords()));
    scriptsTar.write(content, 0, content.length);
  }

  /**
   * Writes the installed database, {@code scripts.tar} and {@code triggers}, and links {@code lib/apk} to {@code
   * ../usr/lib/apk} (apko's {@code resolveApkDB}). Returns the packages installed here (not the preinstalled ones)
   * in install order with their records.
   */
  public List<InstalledPackage> finish() throws InstallException, IOException {
    List<InstalledPackage> out = new ArrayList<>();
    ByteArrayOutputStream installed = new ByteArrayOutputStream();
    preinstalled.forEach(p -> installed.writeBytes(p.record()));
    for (int i = 0; i < order.size(); i++) {
      PackageInfo meta = order.get(i);
      List<DataEntry> files = new ArrayList<>();
      for (DataEntry e : entriesByPackage.get(i)) {
        PackageInfo owner = fileOwners.get(e.name());
        if (owner == null || owner == meta) {
          files.add(e);
        }
      }
      List<DataEntry> sorted = InstalledRecord.sortedFiles(files);
      byte[] record = InstalledRecord.formatSorted(meta, sorted);
      installed.writeBytes(record);
      List<String> names = new ArrayList<>();
      for (DataEntry e : sorted) {
        if (e.kind() != DataEntry.Kind.DIRECTORY) {
          names.add(InstalledRecord.clean(e.name()));
        }
      }
      out.add(new InstalledPackage(meta, record, names));
    }
    scriptsTar.close();
    try {
      tree.appendFile(ApkDatabase.INSTALLED, installed.toByteArray());
      tree.writeFile(ApkDatabase.SCRIPTS, scripts.toByteArray(), 0644);
      tree.appendFile(ApkDatabase.TRIGGERS, triggers.toString().getBytes(StandardCharsets.UTF_8));
      linkApkDb();
    } catch (TreeException e) {
      throw new InstallException("the apk database", e.getMessage(), e);
    }
    return out;
  }

  /** apko's {@code resolveApkDB}: make {@code /lib/apk} point at {@code /usr/lib/apk}. */
  private void linkApkDb() throws TreeException, InstallException {
    if (isLinkTo("lib", "/usr/lib") || isLinkTo("lib/apk", "/usr/lib/apk")) {
      return;
    }
    if (tree.stat("lib").isEmpty()) {
      if (order.stream().anyMatch(p -> p.provides().contains("merged-lib"))
          || preinstalled.stream().anyMatch(p -> p.meta().provides().contains("merged-lib"))) {
        tree.symlink("usr/lib", "lib");
        return;
      }
      tree.mkdir("lib", 0755);
    }
    Optional<Node> apk = tree.stat("lib/apk");
    if (apk.isPresent() && apk.get() instanceof Directory d) {
      for (Map.Entry<String, Node> child : d.children().entrySet()) {
        if (!(child.getValue() instanceof Directory sub) || !sub.children().isEmpty()) {
          throw new InstallException(
              "the apk database", "/lib/apk/" + child.getKey() + " is not an empty directory, refusing to replace it");
        }
      }
      tree.remove("lib/apk");
    }
    tree.symlink("../usr/lib/apk", "lib/apk");
  }

  private boolean isLinkTo(String path, String cleanTarget) {
    Optional<Node> n = tree.lstat(path);
    if (n.isEmpty() || !(n.get() instanceof Symlink s)) {
      return false;
    }
    return InstalledRecord.clean("/" + s.target()).equals(cleanTarget);
  }

  private static byte[] sha1(ContentRef content) throws IOException {
    MessageDigest md = newSha1();
    try (InputStream in = content.open()) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return md.digest();
  }

  private static byte[] sha1(byte[] bytes) {
    return newSha1().digest(bytes);
  }

  private static MessageDigest newSha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-1 is required on every JVM", e);
    }
  }

  private static String q1(byte[] sum) {
    return "Q1" + Base64.getEncoder().encodeToString(sum);
  }
}
