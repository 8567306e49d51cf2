package dev.apkofarm.client.cli;

import dev.apkofarm.core.apk.resolve.ResolvedPackage;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * apko's {@code dot} graph: the config node points at every package spec it lists ({@code a=1} also at {@code a}),
 * each resolved package (labelled {@code name-version}) at the names it depends on, and a provided name that
 * something depends on (a box) at its provider. Node and edge order follow the resolution, so the text is stable.
 */
final class PackageGraph {
  private PackageGraph() {}

  static String dot(String config, List<String> specs, List<ResolvedPackage> packages, boolean spanning) {
    Map<String, String> nodes = new LinkedHashMap<>();
    Set<String> edges = new LinkedHashSet<>();
    Set<String> depended = new HashSet<>();
    nodes.put(config, "");
    for (String spec : specs) {
      nodes.putIfAbsent(spec, "");
      edges.add(edge(config, spec));
      String name = name(spec);
      if (!name.equals(spec)) {
        nodes.putIfAbsent(name, "");
        edges.add(edge(spec, name));
      }
      depended.add(name);
    }
    Set<String> drawn = new HashSet<>();
    for (ResolvedPackage p : packages) {
      nodes.put(p.name(), "label=" + quote(p.name() + "-" + p.version())
          + (p.info().description().isEmpty() ? "" : ", tooltip=" + quote(p.info().description())));
      for (String dep : p.info().depends()) {
        if (dep.startsWith("!")) {
          continue;
        }
        String d = name(dep);
        nodes.putIfAbsent(d, "");
        if ((!spanning || drawn.add(d)) && !d.equals(p.name())) {
          edges.add(edge(p.name(), d));
        }
        depended.add(d);
      }
    }
    Set<String> providerDrawn = new HashSet<>();
    for (ResolvedPackage p : packages) {
      for (String prov : p.info().provides()) {
        String name = name(prov);
        if (!depended.contains(name) || name.equals(p.name())) {
          continue;
        }
        nodes.put(name, "shape=rect");
        if (!spanning || providerDrawn.add(p.name())) {
          edges.add(edge(name, p.name()));
        }
      }
    }
    StringBuilder out = new StringBuilder("digraph images {\n  rankdir=LR;\n");
    nodes.forEach((n, attrs) -> out.append("  ").append(quote(n)).append(attrs.isEmpty() ? "" : " [" + attrs + "]")
        .append(";\n"));
    edges.forEach(e -> out.append("  ").append(e).append(";\n"));
    return out.append("}\n").toString();
  }

  /** The package name of a spec or dependency: before any {@code =}, {@code ~}, {@code <}, {@code >} or {@code @}. */
  static String name(String spec) {
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (c == '=' || c == '~' || c == '<' || c == '>' || c == '@') {
        return spec.substring(0, i);
      }
    }
    return spec;
  }

  private static String edge(String from, String to) {
    return quote(from) + " -> " + quote(to);
  }

  /** A DOT ID: quoted, with quotes and backslashes escaped. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
