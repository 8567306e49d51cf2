package dev.apkofarm.core.install;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.apk.PackageInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Formats one package's record of {@code usr/lib/apk/db/installed} exactly as apko does: the package lines ({@code
 * P V A L T o m U D p [r] c i t S I k C}), then the file list sorted like apk (within a directory, files before
 * subdirectories), entries whose parent directories are not listed dropped, {@code F:} for directories with
 * {@code M:uid:gid:mode} when not root 0755, {@code R:} for everything else with {@code a:uid:gid:mode} when not root
 * 0644 and {@code Z:} checksums; a blank line ends the record.
 */
final class InstalledRecord {
  private InstalledRecord() {}

  /** The record's bytes (UTF-8), ending in a blank line. */
  public static byte[] format(PackageInfo p, List<DataEntry> files) throws InstallException {
    return formatSorted(p, sortedFiles(files));
  }

  /** {@link #format} of files already {@link #sortedFiles sorted}. */
  static byte[] formatSorted(PackageInfo p, List<DataEntry> sorted) throws InstallException {
    List<String> lines = new ArrayList<>();
    lines.add("P:" + p.name());
    lines.add("V:" + p.version());
    lines.add("A:" + p.arch());
    lines.add("L:" + p.license());
    lines.add("T:" + p.description());
    lines.add("o:" + p.origin());
    lines.add("m:" + p.maintainer());
    lines.add("U:" + p.url());
    lines.add("D:" + String.join(" ", p.depends()));
    lines.add("p:" + String.join(" ", p.provides()));
    if (!p.replaces().isEmpty()) {
      lines.add("r:" + String.join(" ", p.replaces()));
    }
    lines.add("c:" + p.commit());
    // Go's %s of a []string: "[a b]"
    lines.add("i:[" + String.join(" ", p.installIf()) + "]");
    lines.add("t:" + p.buildTime());
    lines.add("S:" + p.size());
    lines.add("I:" + p.installedSize());
    lines.add("k:" + p.providerPriority());
    p.checksum().ifPresent(c -> lines.add("C:" + c));

    boolean topDirNeeded = true;
    for (DataEntry f : sorted) {
      int perm = f.mode() & 07777;
      boolean defaultOwner = f.uid() == 0 && f.gid() == 0;
      if (f.kind() == DataEntry.Kind.DIRECTORY) {
        String dir = trimSlashes(f.name());
        if (dir.isEmpty() && (perm != 0755 || !defaultOwner)) {
          throw new InstallException(
              p.nameVersion(),
              "the installed database cannot record the mode or owner of the package's top-level directory");
        }
        lines.add("F:" + dir);
        if (perm != 0755 || !defaultOwner) {
          lines.add("M:" + f.uid() + ":" + f.gid() + ":" + octal4(perm));
        }
        topDirNeeded = false;
      } else {
        if (topDirNeeded) {
          lines.add("F:");
          topDirNeeded = false;
        }
        lines.add("R:" + base(f.name()));
        if (perm != 0644 || !defaultOwner) {
          lines.add("a:" + f.uid() + ":" + f.gid() + ":" + octal4(perm));
        }
        f.checksum().ifPresent(c -> lines.add("Z:Q1" + Base64.getEncoder().encodeToString(c)));
      }
    }
    return (String.join("\n", lines) + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String octal4(int perm) {
    String s = Integer.toOctalString(perm);
    return "0".repeat(Math.max(0, 4 - s.length())) + s;
  }

  private static String trimSlashes(String name) {
    String d = name;
    while (d.endsWith("/")) {
      d = d.substring(0, d.length() - 1);
    }
    return d.replace("/", "").isEmpty() ? "" : d;
  }

  private static String base(String name) {
    String n = clean(name);
    int slash = n.lastIndexOf('/');
    return slash < 0 ? n : n.substring(slash + 1);
  }

  /**
   * Sorted with apko's path order (Go's stable sort), orphans removed. Each path is cleaned once (not on every
   * comparison) and compared in place, token by token, without splitting: nothing is allocated per comparison.
   */
  static List<DataEntry> sortedFiles(List<DataEntry> files) {
    List<Keyed> keyed = new ArrayList<>(files.size());
    for (DataEntry f : files) {
      keyed.add(new Keyed(f, clean(f.name()), f.kind() == DataEntry.Kind.DIRECTORY));
    }
    GoStableSort.sort(keyed, (a, b) -> compareClean(a.clean, a.isDir, b.clean, b.isDir));
    List<DataEntry> sorted = new ArrayList<>(keyed.size());
    keyed.forEach(k -> sorted.add(k.entry));
    return withoutOrphans(sorted);
  }

  /** An entry with its cleaned path. */
  private record Keyed(DataEntry entry, String clean, boolean isDir) {}

  /** apko's {@code pathCompare}: token-wise, and at the first differing level non-directories come first. */
  static int pathCompare(String a, boolean aIsDir, String b, boolean bIsDir) {
    return compareClean(clean(a), aIsDir, clean(b), bIsDir);
  }

  private static int compareClean(String a, boolean aIsDir, String b, boolean bIsDir) {
    if (a.equals(b)) {
      return 0;
    }
    int i = 0;
    int j = 0;
    while (true) {
      int ia = a.indexOf('/', i);
      int jb = b.indexOf('/', j);
      boolean aLast = ia < 0;
      boolean bLast = jb < 0;
      int aEnd = aLast ? a.length() : ia;
      int bEnd = bLast ? b.length() : jb;
      if (!aLast && !bLast) {
        int r = compareRegion(a, i, aEnd, b, j, bEnd);
        if (r != 0) {
          return r;
        }
        i = aEnd + 1;
        j = bEnd + 1;
        continue;
      }
      boolean aTokIsDir = !aLast || aIsDir;
      boolean bTokIsDir = !bLast || bIsDir;
      if (aTokIsDir == bTokIsDir) {
        return compareRegion(a, i, aEnd, b, j, bEnd);
      }
      return aTokIsDir ? 1 : -1;
    }
  }

  /** {@link CodePointOrder} of {@code a[i, aEnd)} and {@code b[j, bEnd)}, as -1, 0 or 1. */
  private static int compareRegion(String a, int i, int aEnd, String b, int j, int bEnd) {
    while (i < aEnd && j < bEnd) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (x != y) {
        if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
          return Integer.signum(Integer.compare(a.codePointAt(i), b.codePointAt(j)));
        }
        return x < y ? -1 : 1;
      }
      i++;
      j++;
    }
    return Integer.signum(Integer.compare(aEnd - i, bEnd - j));
  }

  /** Go's {@code filepath.Clean} for the relative names packages contain. */
  static String clean(String p) {
    if (isClean(p)) {
      return p; // the usual case: nothing to allocate
    }
    List<String> out = new ArrayList<>();
    boolean abs = p.startsWith("/");
    for (String part : p.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..") && !out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
        out.remove(out.size() - 1);
      } else if (!(part.equals("..") && abs)) {
        out.add(part);
      }
    }
    String s = String.join("/", out);
    if (abs) {
      return "/" + s;
    }
    return s.isEmpty() ? "." : s;
  }

  /**
   * Drops entries whose parent directories are not themselves listed (apko's {@code removeOrphanedEntries}). Whether
   * a directory's ancestry is complete is worked out once per directory, so a deep tree costs time linear in its
   * paths, not in their square.
   */
  private static List<DataEntry> withoutOrphans(List<DataEntry> entries) {
    Set<String> dirs = new HashSet<>();
    for (DataEntry e : entries) {
      if (e.kind() == DataEntry.Kind.DIRECTORY) {
        String c = e.name().endsWith("/") ? e.name().substring(0, e.name().length() - 1) : e.name();
        dirs.add(c);
        dirs.add(e.name());
      }
    }
    dirs.add("");
    dirs.add(".");
    Map<String, Boolean> complete = new HashMap<>();
    List<DataEntry> out = new ArrayList<>();
    for (DataEntry e : entries) {
      boolean keep = true;
      if (!e.name().isEmpty() && !e.name().equals(".")) {
        String parent = dirname(e.name().endsWith("/") ? e.name().substring(0, e.name().length() - 1) : e.name());
        keep = ancestryComplete(parent, dirs, complete);
      }
      if (keep) {
        out.add(e);
      }
    }
    return out;
  }

  // Whether `dir` and each of its ancestors (by filepath.Dir, up to "." or a fixed point) is a listed directory.
  private static boolean ancestryComplete(String dir, Set<String> dirs, Map<String, Boolean> memo) {
    List<String> pending = new ArrayList<>();
    boolean result = true;
    String d = dir;
    while (!d.isEmpty() && !d.equals(".")) {
      Boolean known = memo.get(d);
      if (known != null) {
        result = known;
        break;
      }
      if (!dirs.contains(d)) {
        result = false;
        memo.put(d, false);
        break;
      }
      pending.add(d);
      String up = dirname(d);
      if (up.equals(d)) {
        break;
      }
      d = up;
    }
    // Every directory walked past was listed; it is complete exactly when what stopped the walk is.
    for (String p : pending) {
      memo.put(p, result);
    }
    return result;
  }

  private static boolean isClean(String p) {
    if (p.isEmpty() || p.charAt(0) == '/' || p.charAt(p.length() - 1) == '/') {
      return false;
    }
    int start = 0;
    while (start <= p.length()) {
      int end = p.indexOf('/', start);
      if (end < 0) {
        end = p.length();
      }
      int len = end - start;
      if (len == 0 || (len == 1 && p.charAt(start) == '.') || (len == 2 && p.startsWith("..", start))) {
        return false;
      }
      start = end + 1;
    }
    return true;
  }

  /** Go's {@code filepath.Dir}. */
  private static String dirname(String p) {
    int slash = p.lastIndexOf('/');
    if (slash < 0) {
      return ".";
    }
    String d = p.substring(0, slash);
    return d.isEmpty() ? "/" : clean(d);
  }
}
