package dev.apkofarm.core.apk.resolve;

import dev.apkofarm.core.apk.Dependency;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.Version;
import dev.apkofarm.core.apk.repo.RepositoryIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The immutable lookup tables of a set of repository indexes for one arch, built once and shared by every
 * resolution over them: candidates by name (packages of that name in index order, then providers of that name),
 * packages by install_if condition, the name+version pairs present (for multi-arch consistency) and the packages
 * built for another arch, which are never candidates.
 */
final class ResolverIndex {
  final List<RepositoryIndex> indexes;
  /** Name or provided name → candidates: packages of that name first (index order), then its providers. */
  final Map<String, List<Candidate>> byName;
  /** install_if condition text → packages that have it. */
  final Map<String, List<Candidate>> byInstallIf;
  /** install_if condition name → packages with a condition on that name, each once. */
  final Map<String, List<Candidate>> byInstallIfName;
  /**
   * Packages whose {@code A:} is neither this arch nor {@code noarch}, with the reason: apk never installs them, and
   * an index may list them (a mirror's mistake or a hostile index).
   */
  final Map<Candidate, String> otherArch;
  /** {@code name} → versions present in these indexes. */
  final Map<String, Set<String>> versions;

  /**
   * The dependencies the indexes write, parsed once while the tables are built and only read after (17,000 packages
   * write some 100,000 of them, mostly the same strings: a plain map there, not the concurrent one below, saved
   * {@code show-packages} about 3 ms of its wait for Alpine's tables).
   */
  private final Map<String, Dependency> indexed;
  /** Dependencies parsed later (the world's, a caller's), by any thread. */
  private final Map<String, Dependency> parsed = new ConcurrentHashMap<>();
  private final Map<String, Optional<Version>> parsedVersions = new ConcurrentHashMap<>();

  ResolverIndex(String arch, List<RepositoryIndex> indexes) {
    this.indexes = List.copyOf(indexes);
    Map<String, List<Candidate>> names = new HashMap<>();
    Map<String, List<Candidate>> installIf = new HashMap<>();
    Map<String, List<Candidate>> installIfNames = new HashMap<>();
    Map<Candidate, String> wrongArch = new IdentityHashMap<>();
    Map<String, Set<String>> present = new HashMap<>();
    List<Candidate> all = new ArrayList<>();
    Map<String, Dependency> dependencies = new HashMap<>();
    for (RepositoryIndex index : indexes) {
      for (PackageInfo p : index.index().packages()) {
        Candidate c = new Candidate(p, index, parseAll(p.depends(), dependencies),
            parseAll(p.provides(), dependencies), parseAll(p.installIf(), dependencies));
        all.add(c);
        names.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(c);
        present.computeIfAbsent(p.name(), k -> new HashSet<>()).add(p.version());
        for (String cond : p.installIf()) {
          installIf.computeIfAbsent(cond, k -> new ArrayList<>()).add(c);
        }
        for (Dependency cond : c.installIf) {
          List<Candidate> named = installIfNames.computeIfAbsent(cond.name(), k -> new ArrayList<>());
          if (named.isEmpty() || named.get(named.size() - 1) != c) {
            named.add(c);
          }
        }
        if (!p.arch().isEmpty() && !p.arch().equals(arch) && !p.arch().equals("noarch")) {
          wrongArch.put(c, "its arch is " + p.arch() + ", not " + arch);
        }
      }
    }
    // Providers come after the packages of the name itself, in index order.
    for (Candidate c : all) {
      for (Dependency prov : c.provides) {
        names.computeIfAbsent(prov.name(), k -> new ArrayList<>()).add(c);
      }
    }
    Map<String, List<Candidate>> frozen = new LinkedHashMap<>();
    names.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    this.byName = frozen;
    Map<String, List<Candidate>> frozenIf = new HashMap<>();
    installIf.forEach((k, v) -> frozenIf.put(k, List.copyOf(v)));
    this.byInstallIf = frozenIf;
    Map<String, List<Candidate>> frozenIfNames = new HashMap<>();
    installIfNames.forEach((k, v) -> frozenIfNames.put(k, List.copyOf(v)));
    this.byInstallIfName = frozenIfNames;
    this.otherArch = wrongArch;
    this.versions = present;
    this.indexed = dependencies;
  }

  /** Parses a dependency string once per index set. */
  Dependency dependency(String text) {
    Dependency d = indexed.get(text);
    return d != null ? d : parsed.computeIfAbsent(text, Dependency::parse);
  }

  /** Parses a version once per index set; empty when invalid. */
  Optional<Version> version(String text) {
    return parsedVersions.computeIfAbsent(text, Version::tryParse);
  }

  List<Candidate> candidates(String name) {
    return byName.getOrDefault(name, List.of());
  }

  /** Whether {@code name} at {@code version} exists in these indexes. */
  boolean has(String name, String version) {
    Set<String> v = versions.get(name);
    return v != null && v.contains(version);
  }

  private static List<Dependency> parseAll(List<String> texts, Map<String, Dependency> dependencies) {
    if (texts.isEmpty()) {
      return List.of();
    }
    Dependency[] out = new Dependency[texts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = dependencies.computeIfAbsent(texts.get(i), Dependency::parse);
    }
    return List.of(out);
  }
}
