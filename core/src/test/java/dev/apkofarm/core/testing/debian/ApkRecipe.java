package dev.apkofarm.core.testing.debian;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How one apk of a test repository is made: the Debian packages whose files it carries, files and symlinks added
 * on top (absolute image paths), paths dropped, and dependencies beyond the {@code so:} ones computed from its ELF
 * files. The version is the first Debian package's ({@link DebPackage#apkVersion()}) unless given.
 *
 * @param name apk package name
 * @param debs Debian package names, unpacked in order into one root
 * @param version explicit apk version (required when {@code debs} is empty)
 * @param description the apk's {@code pkgdesc}
 * @param files extra regular files: image path to UTF-8 content (mode 0644; 0755 when the path is under a bin dir)
 * @param symlinks extra symlinks: image path to target
 * @param excludes image path prefixes removed after unpacking (documentation, initramfs hooks, ...)
 * @param depends dependencies added to the computed {@code so:} ones
 * @param provides provides added to the computed {@code so:} ones
 */
public record ApkRecipe(
    String name,
    List<String> debs,
    Optional<String> version,
    String description,
    SortedMap<String, String> files,
    SortedMap<String, String> symlinks,
    List<String> excludes,
    List<String> depends,
    List<String> provides) {
  /** What every recipe drops: Debian's documentation, manuals and packaging metadata. */
  public static final List<String> DEBIAN_NOISE =
      List.of("/usr/share/doc", "/usr/share/man", "/usr/share/lintian", "/usr/share/bug");

  public ApkRecipe {
    debs = List.copyOf(debs);
    files = new TreeMap<>(files);
    symlinks = new TreeMap<>(symlinks);
    excludes = List.copyOf(excludes);
    depends = List.copyOf(depends);
    provides = List.copyOf(provides);
    if (debs.isEmpty() && version.isEmpty()) {
      throw new IllegalArgumentException(name + ": a recipe without Debian packages needs a version");
    }
    for (String path : concat(files.keySet(), symlinks.keySet(), excludes)) {
      if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
        throw new IllegalArgumentException(name + ": image path must be absolute and normalised: " + path);
      }
    }
  }

  /** A recipe made of Debian packages only. */
  public static ApkRecipe fromDebian(String name, String description, String... debs) {
    return new ApkRecipe(
        name, List.of(debs), Optional.empty(), description, new TreeMap<>(), new TreeMap<>(), DEBIAN_NOISE,
        List.of(), List.of());
  }

  /** A recipe with no Debian content, to be filled with {@link #withFile} and {@link #withSymlink}. */
  public static ApkRecipe empty(String name, String apkVersion, String description) {
    return new ApkRecipe(
        name, List.of(), Optional.of(apkVersion), description, new TreeMap<>(), new TreeMap<>(), List.of(),
        List.of(), List.of());
  }

  public ApkRecipe withFile(String path, String content) {
    SortedMap<String, String> f = new TreeMap<>(files);
    f.put(path, content);
    return new ApkRecipe(name, debs, version, description, f, symlinks, excludes, depends, provides);
  }

  public ApkRecipe withSymlink(String path, String target) {
    SortedMap<String, String> s = new TreeMap<>(symlinks);
    s.put(path, target);
    return new ApkRecipe(name, debs, version, description, files, s, excludes, depends, provides);
  }

  public ApkRecipe withExcludes(String... more) {
    return new ApkRecipe(
        name, debs, version, description, files, symlinks, concat(excludes, List.of(more)), depends, provides);
  }

  public ApkRecipe withDepends(String... more) {
    return new ApkRecipe(
        name, debs, version, description, files, symlinks, excludes, concat(depends, List.of(more)), provides);
  }

  public ApkRecipe withProvides(String... more) {
    return new ApkRecipe(
        name, debs, version, description, files, symlinks, excludes, depends, concat(provides, List.of(more)));
  }

  public ApkRecipe withVersion(String apkVersion) {
    return new ApkRecipe(
        name, debs, Optional.of(apkVersion), description, files, symlinks, excludes, depends, provides);
  }

  /** Recipes by name, for lookups in tests. */
  public static Map<String, ApkRecipe> byName(List<ApkRecipe> recipes) {
    Map<String, ApkRecipe> m = new TreeMap<>();
    recipes.forEach(r -> m.put(r.name(), r));
    return m;
  }

  @SafeVarargs
  private static List<String> concat(java.util.Collection<String>... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Collection::stream).toList();
  }
}
