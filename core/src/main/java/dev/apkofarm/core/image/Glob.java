package dev.apkofarm.core.image;

import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Go's {@code fs.Glob} and {@code path.Match} over an image tree ({@code *}, {@code ?}, {@code [...]}, {@code \}). */
final class Glob {
  private Glob() {}

  /** Paths matching {@code pattern} (relative to the root), in directory order. */
  static List<String> expand(ImageTree tree, String pattern) {
    if (!hasMeta(pattern)) {
      return tree.stat(pattern).isPresent() ? List.of(pattern) : List.of();
    }
    int slash = pattern.lastIndexOf('/');
    String dir = slash < 0 ? "" : pattern.substring(0, slash);
    String file = pattern.substring(slash + 1);
    List<String> dirs = hasMeta(dir) ? expand(tree, dir) : List.of(dir);
    List<String> out = new ArrayList<>();
    for (String d : dirs) {
      Optional<Node> n = d.isEmpty() ? Optional.of(tree.root()) : tree.stat(d);
      if (n.isEmpty() || !(n.get() instanceof Directory directory)) {
        continue;
      }
      for (String name : directory.children().keySet()) {
        if (match(file, name)) {
          out.add(d.isEmpty() ? name : d + "/" + name);
        }
      }
    }
    return out;
  }

  static boolean hasMeta(String s) {
    for (char c : s.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == '\\') {
        return true;
      }
    }
    return false;
  }

  /** {@code path.Match} for one path component (no {@code /} in {@code name}). */
  static boolean match(String pattern, String name) {
    return match(pattern, 0, name, 0);
  }

  private static boolean match(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        for (int k = si; k <= s.length(); k++) {
          if (k > si && s.charAt(k - 1) == '/') {
            return false;
          }
          if (match(p, pi + 1, s, k)) {
            return true;
          }
        }
        return false;
      }
      if (si >= s.length()) {
        return false;
      }
      char sc = s.charAt(si);
      if (c == '?') {
        if (sc == '/') {
          return false;
        }
      } else if (c == '[') {
        int end = p.indexOf(']', pi + 2);
        if (end < 0) {
          return false;
        }
        String set = p.substring(pi + 1, end);
        boolean negate = set.startsWith("^");
        if (negate) {
          set = set.substring(1);
        }
        boolean hit = false;
        for (int k = 0; k < set.length(); k++) {
          char lo = set.charAt(k);
          char hi = lo;
          if (k + 2 < set.length() && set.charAt(k + 1) == '-') {
            hi = set.charAt(k + 2);
            k += 2;
          }
          if (sc >= lo && sc <= hi) {
            hit = true;
          }
        }
        if (hit == negate) {
          return false;
        }
        pi = end;
      } else {
        if (c == '\\' && pi + 1 < p.length()) {
          c = p.charAt(++pi);
        }
        if (c != sc) {
          return false;
        }
      }
      pi++;
      si++;
    }
    return si == s.length();
  }
}
