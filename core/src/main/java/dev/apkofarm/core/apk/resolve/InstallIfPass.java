package dev.apkofarm.core.apk.resolve;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.apk.Dependency;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * install_if over the whole chosen set, as apk applies it: a package whose conditions are all met by what is
 * installed, whichever world entry pulled each in, is installed too (with its dependencies), and so on until nothing
 * more is triggered. go-apk only looks inside one world entry's closure, so {@code nginx openrc} missed
 * {@code nginx-openrc}. Packages it adds come after everything the world asked for, so apko's order of the rest is
 * kept.
 */
final class InstallIfPass {
  private final Solve solve;
  private final ResolverIndex idx;
  private final Map<Candidate, String> dq;

  InstallIfPass(Solve solve, ResolverIndex idx, Map<Candidate, String> dq) {
    this.solve = solve;
    this.idx = idx;
    this.dq = dq;
  }

  /** Adds to {@code install} (and {@code tracked}, its names) until no install_if is left to trigger. */
  void complete(List<Candidate> install, Set<String> tracked) {
    // Each round installs at least one new name or rules out a candidate for good, so this ends.
    while (true) {
      Map<String, List<Candidate>> triggered = new TreeMap<>(CodePointOrder.INSTANCE);
      Map<Candidate, Boolean> seen = new IdentityHashMap<>();
      Map<String, List<Candidate>> installed = new HashMap<>();
      for (Candidate c : install) {
        installed.computeIfAbsent(c.name(), k -> new ArrayList<>(1)).add(c);
        for (Dependency p : c.provides) {
          installed.computeIfAbsent(p.name(), k -> new ArrayList<>(1)).add(c);
        }
      }
      for (Candidate c : install) {
        collect(c.name(), installed, tracked, seen, triggered);
        for (Dependency p : c.provides) {
          collect(p.name(), installed, tracked, seen, triggered);
        }
      }
      if (triggered.isEmpty()) {
        return;
      }
      Map<String, Candidate> existing = new LinkedHashMap<>();
      Map<String, String> origins = new LinkedHashMap<>();
      for (Candidate c : install) {
        existing.putIfAbsent(c.name(), c);
        if (!c.origin().isEmpty()) {
          origins.putIfAbsent(c.origin(), c.versionText());
        }
      }
      for (Map.Entry<String, List<Candidate>> e : triggered.entrySet()) {
        Candidate pick = new Ranking(idx, e.getKey(), existing, origins, "").best(e.getValue());
        List<Candidate> deps;
        try {
          deps = solve.dependencies(pick, "", Set.of(), existing, origins);
        } catch (Solve.Failure f) {
          // apk leaves out an install_if package it cannot install; so do we, for the rest of this resolution.
          dq.put(pick, "its install_if is met but it cannot be installed: " + f.getMessage());
          continue;
        }
        for (Candidate d : deps) {
          if (tracked.add(d.name())) {
            install.add(d);
          }
        }
        if (tracked.add(pick.name())) {
          install.add(pick);
        }
      }
    }
  }

  private void collect(
      String name,
      Map<String, List<Candidate>> installed,
      Set<String> tracked,
      Map<Candidate, Boolean> seen,
      Map<String, List<Candidate>> triggered) {
    for (Candidate t : idx.byInstallIfName.getOrDefault(name, List.of())) {
      if (!tracked.contains(t.name()) && !dq.containsKey(t) && seen.put(t, Boolean.TRUE) == null && met(t, installed)) {
        triggered.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(t);
      }
    }
  }

  /** Every condition holds: a named package (or provider) installed at a matching version, a {@code !name} absent. */
  private boolean met(Candidate t, Map<String, List<Candidate>> installed) {
    for (Dependency cond : t.installIf) {
      boolean present = false;
      for (Candidate c : installed.getOrDefault(cond.name(), List.of())) {
        if (solve.satisfies(c, cond)) {
          present = true;
          break;
        }
      }
      if (present == cond.conflict()) {
        return false;
      }
    }
    return true;
  }
}
