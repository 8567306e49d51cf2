package dev.apkofarm.core.apk.resolve;

import dev.apkofarm.core.apk.Dependency;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chosen set held to apk's rules before it is returned, whatever the greedy choice did: no package excluded by a
 * {@code !name} of the world or of a chosen package (a package's own provide included), no name held at a version by
 * two packages, every dependency met inside the set. A broken set is refused with apk's kind of explanation: each
 * package in the way, what it conflicts with or breaks, and which world entry or dependent needs it.
 */
final class Check {
  private final Solve solve;
  private final List<Candidate> install;
  private final List<Dependency> world;
  /** Name → the chosen packages of that name or providing it: what a dependency on the name can be met by. */
  private final Map<String, List<Candidate>> byName = new HashMap<>();
  /** Package in the way → its problems, in the order found ({@code "conflicts: x-1-r0[!y]"}, ...). */
  private final Map<Candidate, List<String>> problems = new LinkedHashMap<>();

  private Check(Solve solve, List<Candidate> install, List<Dependency> world) {
    this.solve = solve;
    this.install = install;
    this.world = world;
    for (Candidate c : install) {
      named(c.name()).add(c);
      for (Dependency p : c.provides) {
        List<Candidate> cs = named(p.name());
        if (cs.isEmpty() || cs.get(cs.size() - 1) != c) {
          cs.add(c);
        }
      }
    }
  }

  private List<Candidate> named(String name) {
    return byName.computeIfAbsent(name, k -> new ArrayList<>(1));
  }

  /** The chosen packages {@code d} (its {@code !} aside) names at a matching version. */
  private List<Candidate> matching(Dependency d) {
    List<Candidate> cs = byName.get(d.name());
    if (cs == null) {
      return List.of();
    }
    List<Candidate> out = new ArrayList<>(cs.size());
    for (Candidate c : cs) {
      if (solve.satisfies(c, d)) {
        out.add(c);
      }
    }
    return out;
  }

  static Check of(Solve solve, List<Candidate> install, List<Dependency> world) {
    return new Check(solve, install, world);
  }

  /** @throws Solve.Failure when the set breaks a rule; one that a restart with a learned constraint may fix */
  void run() {
    exclusions();
    sharedNames();
    if (!problems.isEmpty()) {
      throw new Solve.Failure(explain());
    }
    for (Candidate p : install) {
      for (Dependency d : p.depends) {
        if (d.conflict() || !matching(d).isEmpty()) {
          continue;
        }
        List<Candidate> holders = byName.getOrDefault(d.name(), List.of());
        Candidate holder = holders.isEmpty() ? null : holders.get(0);
        if (holder == null) {
          add(p, "needs: " + d + ", which nothing chosen provides");
        } else {
          add(holder, "breaks: " + p.info.nameVersion() + "[" + d + "]");
        }
        // Another attempt that applies d from the start may choose a version that meets it.
        throw new Solve.Failure(explain(), d);
      }
    }
  }

  private void exclusions() {
    for (Dependency w : world) {
      if (w.conflict()) {
        for (Candidate c : matching(w)) {
          add(c, "breaks: world[" + w + "]");
        }
      }
    }
    for (Candidate p : install) {
      for (Dependency d : p.depends) {
        if (!d.conflict()) {
          continue;
        }
        for (Candidate c : matching(d)) {
          // A package naming itself is how abuild spells "replaces older me"; through a provide it is a conflict.
          boolean self = c == p && c.name().equals(d.name());
          if (!self) {
            add(c, "breaks: " + p.info.nameVersion() + "[" + d + "]");
          }
        }
      }
    }
  }

  /**
   * One name held at a version (a package's own name or a versioned provide) twice: by two packages, or by one
   * package providing it twice (apk's self-conflict). apk installs one holder of a name.
   */
  private void sharedNames() {
    Map<String, List<Candidate>> holders = new LinkedHashMap<>();
    for (Candidate c : install) {
      holders.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c);
      for (Dependency p : c.provides) {
        // A provide of its own name restates the package, it does not hold the name a second time.
        if (p.version().isPresent() && !p.name().equals(c.name())) {
          holders.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(c);
        }
      }
    }
    for (Map.Entry<String, List<Candidate>> e : holders.entrySet()) {
      List<Candidate> cs = e.getValue();
      for (int i = 0; i < cs.size(); i++) {
        for (int j = 0; j < cs.size(); j++) {
          if (i != j) {
            add(cs.get(i), "conflicts: " + cs.get(j).info.nameVersion() + "[" + e.getKey() + "]");
          }
        }
      }
    }
  }

  private void add(Candidate c, String problem) {
    List<String> list = problems.computeIfAbsent(c, k -> new ArrayList<>());
    if (!list.contains(problem)) {
      list.add(problem);
    }
  }

  /** apk's layout: {@code unable to select packages:}, then per package what it satisfies and its problems. */
  private String explain() {
    StringBuilder sb = new StringBuilder("unable to select packages:");
    for (Map.Entry<Candidate, List<String>> e : problems.entrySet()) {
      Candidate c = e.getKey();
      sb.append("\n  ").append(c.info.nameVersion()).append(':');
      List<String> wanted = new ArrayList<>();
      for (Dependency w : world) {
        if (!w.conflict() && solve.satisfies(c, w)) {
          wanted.add("world[" + w + "]");
        }
      }
      for (Candidate p : install) {
        for (Dependency d : p.depends) {
          if (p != c && !d.conflict() && solve.satisfies(c, d)) {
            wanted.add(p.info.nameVersion() + "[" + d + "]");
          }
        }
      }
      if (!wanted.isEmpty()) {
        sb.append("\n    satisfies: ").append(String.join(" ", wanted));
      }
      for (String p : e.getValue()) {
        sb.append("\n    ").append(p);
      }
    }
    return sb.toString();
  }
}
