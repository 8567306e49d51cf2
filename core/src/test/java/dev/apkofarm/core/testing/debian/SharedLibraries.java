package dev.apkofarm.core.testing.debian;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The shared-library dependencies of a package's file tree in apk's notation: {@code so:NAME=VERSION} provides for
 * every ELF SONAME it ships and {@code so:NAME} depends for every {@code DT_NEEDED} it does not satisfy itself
 * (abuild's convention; e.g. {@code so:libc.so.6=6}).
 */
public record SharedLibraries(SortedSet<String> provides, SortedSet<String> depends) {
  public SharedLibraries {
    provides = Collections.unmodifiableSortedSet(new TreeSet<>(provides));
    depends = Collections.unmodifiableSortedSet(new TreeSet<>(depends));
  }

  /** Scans every regular file under {@code root} (symlinks are not followed). */
  public static SharedLibraries scan(Path root) throws IOException {
    SortedSet<String> sonames = new TreeSet<>();
    SortedSet<String> needed = new TreeSet<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
    for (Path file : files) {
      ElfDynamic.read(file).ifPresent(
          e -> {
            e.soname().ifPresent(sonames::add);
            needed.addAll(e.needed());
          });
    }
    needed.removeAll(sonames);
    SortedSet<String> provides = new TreeSet<>();
    sonames.forEach(s -> provides.add("so:" + s + "=" + sonameVersion(s)));
    SortedSet<String> depends = new TreeSet<>();
    needed.forEach(n -> depends.add("so:" + n));
    return new SharedLibraries(provides, depends);
  }

  /** The version abuild gives a SONAME: what follows {@code .so.} ({@code libc.so.6} gives 6), else 0. */
  static String sonameVersion(String soname) {
    int at = soname.indexOf(".so.");
    return at < 0 || at + 4 >= soname.length() ? "0" : soname.substring(at + 4);
  }
}
