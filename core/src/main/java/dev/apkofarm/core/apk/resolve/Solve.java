package dev.apkofarm.core.apk.resolve;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.apk.Dependency;
import dev.apkofarm.core.apk.Version;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One resolution over a {@link ResolverIndex}: the mutable state (disqualified candidates with their reasons, names
 * already selected) and go-apk's algorithm, so that the same world gives apko's packages in apko's order. The order
 * is dependencies first, depth-first in dependency order, each world entry after its dependencies; it becomes the
 * installed database order and so the bytes of the image layer.
 *
 * <p>Departures from go-apk, each where it is non-deterministic or plainly wrong: ties that go-apk breaks by Go map
 * iteration order are broken by index order; an install_if package is chosen as the best non-disqualified
 * candidate rather than the first listed; world entries {@code !name} are honoured (go-apk fails on them). Then apk's
 * rules where go-apk's answer is wrong (issue 17): install_if over the whole set ({@link InstallIfPass}) and the set
 * checked and, when broken, explained in apk's layout ({@link Check}); a constraint met too late fails with the
 * constraint to {@link Failure#learn learn}, for {@link Resolver} to try again with it.
 */
final class Solve {
  private final ResolverIndex idx;
  private final Map<Candidate, String> dq;
  private final Map<String, Candidate> selected = new LinkedHashMap<>();
  /** The dependency path being resolved, for messages. */
  private final Deque<String> path = new ArrayDeque<>();

  /** Disqualifies what constraints and chosen packages rule out, remembering apk's line for each. */
  private final Exclusions exclusions;
  /** Constraints an earlier attempt found too late, applied from the start (see {@link Resolver}). */
  private final List<Dependency> learned;
  /** The world's entries other than {@code !} ones, for {@link #namedByWorld}. */
  private final List<Dependency> wanted = new ArrayList<>();

  Solve(ResolverIndex idx, Map<Candidate, String> initialDisqualified, List<Dependency> learned) {
    this.idx = idx;
    this.dq = new IdentityHashMap<>(initialDisqualified);
    this.learned = learned;
    this.exclusions = new Exclusions(idx, dq, this, path);
  }

  /** An unchecked carrier for a resolution failure, turned into a {@link ResolutionException} at the top. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** A constraint that, applied from the start, may let another attempt succeed; null when none would. */
    final transient Dependency learn;

    Failure(String message) {
      this(message, null);
    }

    Failure(String message, Dependency learn) {
      super(message, null, false, false);
      this.learn = learn;
    }
  }

  List<Candidate> run(List<String> world) {
    List<Dependency> all = new ArrayList<>();
    for (String w : world) {
      Dependency d = idx.dependency(w);
      all.add(d);
      if (!d.conflict()) {
        wanted.add(d);
      }
    }
    exclusions.constrain(all, "the world", "world");
    exclusions.constrain(learned, "a package found to need it on an earlier attempt", null);
    Map<String, Candidate> chosen = new LinkedHashMap<>();
    List<Dependency> pending = new ArrayList<>(wanted);
    while (!pending.isEmpty()) {
      Dependency next = fewestCandidates(pending);
      Candidate pkg = best(next);
      chosen.put(pkg.name(), pkg);
      pending.removeIf(d -> d.text().equals(next.text()));
      exclusions.disqualifyConflicts(pkg);
    }
    List<Candidate> install = new ArrayList<>();
    Set<String> tracked = new HashSet<>();
    for (Dependency w : wanted) {
      path.clear();
      path.add(w.text());
      for (Candidate c : withDependencies(w, chosen)) {
        if (tracked.add(c.name())) {
          install.add(c);
        }
        chosen.putIfAbsent(c.name(), c);
      }
    }
    new InstallIfPass(this, idx, dq).complete(install, tracked);
    Check.of(this, install, all).run();
    return install;
  }

  /** The world entry with the fewest candidates (ties: the first), failing when one has none. */
  private Dependency fewestCandidates(List<Dependency> pending) {
    Dependency next = null;
    int least = 0;
    for (Dependency d : pending) {
      path.clear();
      path.add(d.text());
      List<Candidate> all = candidatesOrFail(d);
      List<Candidate> ok = filter(all, d, "", d.tag().orElse(""), null);
      if (ok.isEmpty()) {
        throw noneSatisfies(d, all, "", null, "world");
      }
      if (next == null || ok.size() < least) {
        next = d;
        least = ok.size();
      }
    }
    return next;
  }

  private Candidate best(Dependency d) {
    List<Candidate> all = candidatesOrFail(d);
    String pin = d.tag().orElse("");
    List<Candidate> ok = filter(all, d, "", pin, null);
    if (ok.isEmpty()) {
      throw noneSatisfies(d, all, "", null, "world");
    }
    return new Ranking(idx, d.name(), Map.of(), Map.of(), pin).best(namedByWorld(d, ok));
  }

  /**
   * apk's answer when the world also names a provider of {@code d} (issue 17, provider choice): apk-tools prefers a
   * provider whose own name is required ("dependencies used") before versions and provider_priority, so that one
   * package serves both entries; go-apk ranks {@code d}'s providers alone and may add a second. The candidates of
   * {@code ok} that another world entry names, or all of {@code ok} when none is named or when a package bears
   * {@code d}'s name itself (then apko's ranking stays: installing that package is a valid answer too).
   */
  private List<Candidate> namedByWorld(Dependency d, List<Candidate> ok) {
    List<Candidate> named = new ArrayList<>();
    for (Candidate c : ok) {
      if (c.name().equals(d.name())) {
        return ok;
      }
      for (Dependency w : wanted) {
        if (w.name().equals(c.name()) && versionRejection(c, w) == null) {
          named.add(c);
          break;
        }
      }
    }
    return named.isEmpty() ? ok : named;
  }

  private List<Candidate> withDependencies(Dependency w, Map<String, Candidate> chosen) {
    Map<String, Candidate> existing = new LinkedHashMap<>(chosen);
    Map<String, String> origins = new LinkedHashMap<>();
    for (Candidate c : chosen.values()) {
      if (!c.origin().isEmpty()) {
        origins.put(c.origin(), c.versionText());
      }
    }
    Candidate pkg = best(w);
    List<Candidate> deps = dependencies(pkg, w.tag().orElse(""), Set.of(), existing, origins);
    Map<String, Candidate> added = new LinkedHashMap<>();
    for (Candidate d : deps) {
      added.putIfAbsent(d.name(), d);
    }
    addInstallIf(added, existing, origins);
    List<Candidate> out = new ArrayList<>(added.values());
    out.add(pkg);
    return out;
  }

  /**
   * Adds packages whose install_if conditions are all met by {@code added}, as go-apk does: a plain name matches a
   * package of that name, {@code name=version} that exact version. Newly added packages can trigger others.
   */
  private void addInstallIf(Map<String, Candidate> added, Map<String, Candidate> existing, Map<String, String> origins) {
    List<Candidate> work = new ArrayList<>(added.values());
    for (int i = 0; i < work.size(); i++) {
      Candidate dep = work.get(i);
      List<Candidate> triggered = idx.byInstallIf.get(dep.name());
      if (triggered == null) {
        triggered = idx.byInstallIf.get(dep.name() + "=" + dep.versionText());
      }
      if (triggered == null) {
        continue;
      }
      Map<String, List<Candidate>> byName = new LinkedHashMap<>();
      for (Candidate c : triggered) {
        if (!added.containsKey(c.name()) && !dq.containsKey(c) && allConditionsMet(c, added)) {
          byName.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c);
        }
      }
      for (Map.Entry<String, List<Candidate>> e : byName.entrySet()) {
        Candidate pick = new Ranking(idx, e.getKey(), existing, origins, "").best(e.getValue());
        added.put(pick.name(), pick);
        work.add(pick);
      }
    }
  }

  private static boolean allConditionsMet(Candidate c, Map<String, Candidate> added) {
    for (Dependency cond : c.installIf) {
      if (added.containsKey(cond.text())) {
        continue;
      }
      Candidate a = added.get(cond.name());
      if (a == null || !a.versionText().equals(cond.version().orElse(""))) {
        return false;
      }
    }
    return true;
  }

  List<Candidate> dependencies(
      Candidate pkg,
      String allowPin,
      Set<String> parents,
      Map<String, Candidate> existing,
      Map<String, String> origins) {
    if (parents.contains(pkg.name())) {
      return List.of();
    }
    Set<String> myProvides = new HashSet<>();
    for (Dependency p : pkg.provides) {
      myProvides.add(p.text());
      myProvides.add(p.name());
    }
    exclusions.constrain(pkg.depends, pkg.info.nameVersion(), pkg.info.nameVersion());
    List<Dependency> pending = new ArrayList<>(pkg.depends);
    List<Candidate> out = new ArrayList<>();
    path.addLast(pkg.info.nameVersion());
    while (!pending.isEmpty()) {
      Map<String, List<Candidate>> options = new LinkedHashMap<>();
      Map<String, Dependency> parsed = new LinkedHashMap<>();
      for (Dependency dep : pending) {
        if (dep.conflict()) {
          // Conflicts were applied by constrain() above and are checked again on the result.
          continue;
        }
        if (myProvides.contains(dep.name()) || myProvides.contains(dep.text()) || satisfiedBySelf(pkg, dep)) {
          continue;
        }
        if (satisfiedBySelected(dep)) {
          continue;
        }
        path.addLast(dep.text());
        List<Candidate> all = candidatesOrFail(dep);
        Candidate installed = existing.get(dep.name());
        List<Candidate> ok = filter(all, dep, allowPin, "", installed);
        if (ok.isEmpty()) {
          throw noneSatisfies(dep, all, allowPin, installed, pkg.info.nameVersion());
        }
        path.removeLast();
        options.put(dep.text(), ok);
        parsed.put(dep.text(), dep);
      }
      if (options.isEmpty()) {
        break;
      }
      String lowest = null;
      for (Map.Entry<String, List<Candidate>> e : options.entrySet()) {
        if (lowest == null
            || e.getValue().size() < options.get(lowest).size()
            || (e.getValue().size() == options.get(lowest).size()
                && CodePointOrder.INSTANCE.compare(e.getKey(), lowest) < 0)) {
          lowest = e.getKey();
        }
      }
      Dependency dep = parsed.get(lowest);
      pending = new ArrayList<>(parsed.values());
      pending.remove(dep);
      Candidate chosen = new Ranking(idx, dep.name(), existing, origins, "").best(options.get(lowest));
      exclusions.disqualifyConflicts(chosen);
      Set<String> childParents = new HashSet<>(parents);
      childParents.add(pkg.name());
      pick(pkg);
      path.addLast(dep.text());
      List<Candidate> sub = dependencies(chosen, allowPin, childParents, existing, origins);
      path.removeLast();
      out.addAll(sub);
      out.add(chosen);
      for (Candidate s : sub) {
        existing.put(s.name(), s);
        if (!s.origin().isEmpty()) {
          origins.put(s.origin(), s.versionText());
        }
      }
    }
    path.removeLast();
    return out;
  }

  /** A package depending on its own name at a version it has. */
  private boolean satisfiedBySelf(Candidate pkg, Dependency dep) {
    if (!pkg.name().equals(dep.name()) || pkg.version == null) {
      return false;
    }
    if (dep.op() == Dependency.Op.ANY) {
      return true;
    }
    Optional<Version> required = idx.version(dep.version().orElse(""));
    return required.isPresent() && dep.op().test(pkg.version, required.get());
  }

  /** A name already selected, at a version (or with a versioned provide) that satisfies {@code dep}. */
  private boolean satisfiedBySelected(Dependency dep) {
    Candidate picked = selected.get(dep.name());
    if (picked == null) {
      return false;
    }
    if (dep.version().isEmpty()) {
      return true;
    }
    Version actual = picked.version;
    Optional<Version> required = idx.version(dep.version().get());
    if (actual == null || required.isEmpty()) {
      throw new Failure("cannot compare \"" + picked.info.nameVersion() + "\" with \"" + dep + "\": invalid version"
          + Explain.via(path));
    }
    for (Dependency p : picked.provides) {
      if (!p.name().equals(dep.name()) || p.version().isEmpty()) {
        continue;
      }
      Optional<Version> pv = idx.version(p.version().get());
      if (pv.isEmpty()) {
        throw new Failure("invalid version in \"" + p + "\" of " + picked.info.nameVersion() + Explain.via(path));
      }
      if (p.op().test(pv.get(), required.get())) {
        return true;
      }
    }
    if (dep.op().test(actual, required.get())) {
      return true;
    }
    throw new Failure(
        "already selected \"" + picked.name() + "=" + picked.versionText() + "\", which conflicts with \"" + dep
            + "\"" + Explain.via(path),
        dep);
  }

  /**
   * Nothing satisfies {@code d}: when what would have is ruled out only by other packages or the world (a name
   * already held, a {@code !name}, another's version constraint), apk's layout (each package in the way, who needs
   * it, what it conflicts with or breaks); otherwise every candidate and why not.
   */
  private Failure noneSatisfies(
      Dependency d, List<Candidate> all, String allowPin, Candidate installed, String wantedBy) {
    StringBuilder apk = new StringBuilder("unable to select packages:");
    for (Candidate c : all) {
      String line = exclusions.apkLine(c);
      if (line != null && versionRejection(c, d) == null) {
        apk.append("\n  ").append(c.info.nameVersion()).append(":\n    satisfies: ").append(wantedBy).append('[')
            .append(d).append("]\n    ").append(line);
      }
    }
    if (apk.indexOf("\n") >= 0) {
      // A world entry alone adds nothing to "satisfies: world[...]"; a longer path says how it was reached.
      return new Failure(path.size() > 1 ? apk + Explain.via(path) : apk.toString());
    }
    return new Failure(Explain.noneSatisfies(d, all, this, allowPin, installed, path));
  }

  List<Candidate> candidatesOrFail(Dependency d) {
    List<Candidate> all = idx.byName.get(d.name());
    if (all == null) {
      throw new Failure("nothing provides \"" + d.name() + "\"" + Explain.via(path));
    }
    return all;
  }

  /** go-apk's filter: not disqualified, repository pin allowed, version (or any provide's version) matching. */
  List<Candidate> filter(List<Candidate> all, Dependency d, String allowPin, String preferPin, Candidate installed) {
    List<Candidate> out = new ArrayList<>();
    for (Candidate c : all) {
      if (rejection(c, d, allowPin, preferPin, installed) == null) {
        out.add(c);
      }
    }
    return out;
  }

  /** Why {@code c} does not satisfy {@code d} here, or null when it does. */
  String rejection(Candidate c, Dependency d, String allowPin, String preferPin, Candidate installed) {
    String reason = dq.get(c);
    if (reason != null) {
      return "disqualified: " + reason;
    }
    if (!c.pin.isEmpty()
        && !c.pin.equals(allowPin)
        && !c.pin.equals(preferPin)
        && (installed == null || !installed.source.packageUrl(installed.info).equals(c.source.packageUrl(c.info)))) {
      return "in repository @" + c.pin + ", which is used only for packages requested with @" + c.pin;
    }
    return versionRejection(c, d);
  }

  /**
   * Whether installed {@code c} is what {@code d} names (ignoring its {@code !}): the package or a provider of the
   * name, at a version {@link #versionRejection} accepts.
   */
  boolean satisfies(Candidate c, Dependency d) {
    if (!c.name().equals(d.name()) && c.provideOf(d.name()).isEmpty()) {
      return false;
    }
    return d.op() == Dependency.Op.ANY || versionRejection(c, d) == null;
  }

  /** Why {@code c}'s version (or a provide's) does not satisfy {@code d}, or null when it does. */
  String versionRejection(Candidate c, Dependency d) {
    if (d.op() == Dependency.Op.ANY) {
      return null;
    }
    Optional<Version> required = idx.version(d.version().orElse(""));
    if (required.isEmpty()) {
      return "\"" + d + "\" has an invalid version";
    }
    if (c.version == null) {
      return "its version " + c.versionText() + " is not valid apk syntax";
    }
    if (d.op().test(c.version, required.get())) {
      return null;
    }
    for (Dependency p : c.provides) {
      if (p.version().isEmpty()) {
        continue;
      }
      Optional<Version> pv = idx.version(p.version().get());
      if (pv.isPresent() && d.op().test(pv.get(), required.get())) {
        return null;
      }
    }
    return "version " + c.versionFor(d.name()) + " does not satisfy \"" + d + "\"";
  }

  private void pick(Candidate pkg) {
    Candidate prior = selected.get(pkg.name());
    if (prior != null) {
      if (prior == pkg) {
        return;
      }
      throw new Failure("selecting " + pkg.filename() + " conflicts with " + prior.filename() + " on \"" + pkg.name()
          + "\"" + Explain.via(path));
    }
    selected.put(pkg.name(), pkg);
    for (Dependency prov : pkg.provides) {
      Candidate other = selected.get(prov.name());
      if (other != null && other != pkg) {
        throw new Failure("selecting " + pkg.filename() + " conflicts with " + other.filename() + " on \""
            + prov.name() + "\"" + Explain.via(path));
      }
      if (prov.version().isPresent()) {
        selected.put(prov.name(), pkg);
      }
    }
  }
}
