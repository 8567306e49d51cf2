package dev.apkofarm.core.testing.debian;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.io.TemporaryDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lays out the file tree of an {@link ApkRecipe} for one architecture from Debian packages and computes its
 * {@code so:} provides and depends, giving a {@link StagedPackage} a package writer can pack.
 */
public final class DebianStaging {
  private final DebianArchive archive;
  private final Path workDir;

  /** Downloads through {@code archive}; stages under {@code workDir/<apk arch>/<name>/}. */
  public DebianStaging(DebianArchive archive, Path workDir) {
    this.archive = archive;
    this.workDir = workDir;
  }

  /** Stages one recipe for one architecture (replacing an earlier staging of it). */
  public StagedPackage stage(ApkRecipe recipe, Arch arch) throws IOException {
    Path root = workDir.resolve(arch.apkName()).resolve(recipe.name());
    TemporaryDirectory.deleteTree(root);
    Files.createDirectories(root);
    String version = recipe.version().orElse(null);
    for (String debName : recipe.debs()) {
      DebPackage deb = archive.fetch(debName, arch);
      deb.unpackInto(root);
      if (version == null) {
        version = deb.apkVersion();
      }
    }
    for (String exclude : recipe.excludes()) {
      Path p = inRoot(root, exclude);
      TemporaryDirectory.deleteTree(p);
      pruneEmptyParents(root, p.getParent());
    }
    for (Map.Entry<String, String> file : recipe.files().entrySet()) {
      Path p = inRoot(root, file.getKey());
      createDirectories(root, p.getParent());
      Files.writeString(p, file.getValue(), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(
          p, PosixFilePermissions.fromString(isInBinDir(file.getKey()) ? "rwxr-xr-x" : "rw-r--r--"));
    }
    for (Map.Entry<String, String> link : recipe.symlinks().entrySet()) {
      Path p = inRoot(root, link.getKey());
      createDirectories(root, p.getParent());
      Files.deleteIfExists(p);
      Files.createSymbolicLink(p, Path.of(link.getValue()));
    }
    SharedLibraries so = SharedLibraries.scan(root);
    List<String> depends = new ArrayList<>(recipe.depends());
    depends.addAll(so.depends());
    List<String> provides = new ArrayList<>(recipe.provides());
    provides.addAll(so.provides());
    return new StagedPackage(
        recipe.name(), version, arch, recipe.description(), recipe.name(), depends, provides, root);
  }

  /** Stages every recipe for one architecture, in the given order. */
  public List<StagedPackage> stageAll(List<ApkRecipe> recipes, Arch arch) throws IOException {
    List<StagedPackage> staged = new ArrayList<>();
    for (ApkRecipe r : recipes) {
      staged.add(stage(r, arch));
    }
    return staged;
  }

  private static Path inRoot(Path root, String imagePath) {
    Path p = root.resolve(imagePath.substring(1)).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("image path escapes the package root: " + imagePath);
    }
    return p;
  }

  private static boolean isInBinDir(String imagePath) {
    return imagePath.matches("(/usr)?(/local)?/s?bin/[^/]+");
  }

  private static void createDirectories(Path root, Path dir) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path d = dir; d != null && !d.equals(root) && !Files.exists(d, LinkOption.NOFOLLOW_LINKS);
        d = d.getParent()) {
      missing.add(0, d);
    }
    for (Path d : missing) {
      Files.createDirectory(d);
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static void pruneEmptyParents(Path root, Path dir) throws IOException {
    for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
      if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (var entries = Files.list(d)) {
        if (entries.findAny().isPresent()) {
          return;
        }
      }
      Files.delete(d);
    }
  }
}
