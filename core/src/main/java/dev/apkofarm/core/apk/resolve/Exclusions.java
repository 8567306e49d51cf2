package dev.apkofarm.core.apk.resolve;

import dev.apkofarm.core.apk.Dependency;
import dev.apkofarm.core.apk.Version;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one {@link Solve} rules out as it goes: candidates a versioned constraint or a {@code !name} of the world or
 * a package excludes, and the other providers of a name a chosen package holds. Each goes into the solve's
 * disqualified map with its reason; where apk would name the package in the way, apk's line for it is kept too
 * ({@code conflicts: pkg[name]} for a name already held, {@code breaks: pkg[dep]} for a dependency or conflict of a
 * package or the world), for {@link #apkLine}.
 */
final class Exclusions {
  private final ResolverIndex idx;
  private final Map<Candidate, String> dq;
  private final Solve solve;
  /** The solve's dependency path, for messages. */
  private final Collection<String> path;
  private final Map<Candidate, Block> blocks = new IdentityHashMap<>();

  private record Block(String reason, String line) {}

  Exclusions(ResolverIndex idx, Map<Candidate, String> dq, Solve solve, Collection<String> path) {
    this.idx = idx;
    this.dq = dq;
    this.solve = solve;
    this.path = path;
  }

  /**
   * apk's line for why {@code c} is out, or null when it is out for another reason (or not out). Compared by
   * identity with the reason now held: a later, other disqualification of c (a learned constraint) is not apk's case.
   */
  String apkLine(Candidate c) {
    Block block = blocks.get(c);
    return block != null && block.reason() == dq.get(c) ? block.line() : null;
  }

  /**
   * Disqualifies, for the rest of the resolution, every candidate a versioned constraint rules out.
   *
   * @param apkOwner the owner as apk names it ({@code world}, {@code pkg-1-r0}), or null when none applies
   */
  void constrain(List<Dependency> deps, String owner, String apkOwner) {
    for (Dependency d : deps) {
      if (d.conflict()) {
        disqualifyProviders(d, owner, apkOwner);
        continue;
      }
      if (d.op() == Dependency.Op.ANY) {
        continue;
      }
      List<Candidate> providers = idx.byName.get(d.name());
      if (providers == null) {
        continue;
      }
      Optional<Version> required = idx.version(d.version().orElse(""));
      if (required.isEmpty()) {
        throw new Solve.Failure("invalid version in constraint \"" + d + "\"" + Explain.via(path));
      }
      for (Candidate p : providers) {
        if (p.name().equals(d.name())) {
          if (p.version == null) {
            dq.put(p, "its version \"" + p.versionText() + "\" is not valid apk syntax");
          } else if (!d.op().test(p.version, required.get())) {
            block(p, "\"" + p.versionText() + "\" does not satisfy \"" + d + "\"", apkOwner, d);
          }
          continue;
        }
        for (Dependency prov : p.provides) {
          if (!prov.name().equals(d.name()) || prov.version().isEmpty()) {
            continue;
          }
          Optional<Version> pv = idx.version(prov.version().get());
          if (pv.isEmpty()) {
            dq.put(p, "invalid version in its provide \"" + prov + "\"");
          } else if (!d.op().test(pv.get(), required.get())) {
            block(p, "it provides \"" + prov + "\", which does not satisfy \"" + d + "\"", apkOwner, d);
          }
        }
      }
    }
  }

  /** Disqualifies {@code c} for {@code reason}; with apk's line when the constraint's owner has an apk name. */
  private void block(Candidate c, String reason, String apkOwner, Dependency constraint) {
    dq.put(c, reason);
    if (apkOwner != null) {
      blocks.put(c, new Block(reason, "breaks: " + apkOwner + "[" + constraint + "]"));
    }
  }

  private void disqualifyProviders(Dependency conflict, String owner, String apkOwner) {
    List<Candidate> providers = idx.byName.get(conflict.name());
    if (providers == null) {
      return;
    }
    for (Candidate c : solve.filter(providers, conflict, "", conflict.tag().orElse(""), null)) {
      if (!dq.containsKey(c)) {
        block(c, "excluded by \"" + conflict + "\" of " + owner, apkOwner, conflict);
      }
    }
  }

  /** Once {@code pkg} is chosen, other providers of its provides cannot be. */
  void disqualifyConflicts(Candidate pkg) {
    for (Dependency prov : pkg.provides) {
      List<Candidate> providers = idx.byName.get(prov.name());
      if (providers == null) {
        continue;
      }
      for (Candidate other : providers) {
        if (other == pkg || dq.containsKey(other) || !conflictingVersion(prov, other)) {
          continue;
        }
        String reason = pkg.filename() + " already provides " + prov.name();
        dq.put(other, reason);
        blocks.put(other, new Block(reason, "conflicts: " + pkg.info.nameVersion() + "[" + prov.name() + "]"));
      }
    }
  }

  private static boolean conflictingVersion(Dependency prov, Candidate other) {
    if (prov.version().isPresent()) {
      return true;
    }
    if (other.name().equals(prov.name())) {
      return !other.versionText().isEmpty();
    }
    Optional<Dependency> theirs = other.provideOf(prov.name());
    return theirs.isPresent() && !theirs.get().version().equals(prov.version());
  }
}
