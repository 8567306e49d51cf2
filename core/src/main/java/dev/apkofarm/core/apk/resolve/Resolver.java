package dev.apkofarm.core.apk.resolve;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.apk.Dependency;
import dev.apkofarm.core.apk.repo.RepositoryIndex;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Chooses the packages to install for one arch from its repository indexes: for each world entry the best
 * satisfying candidate and, recursively, its dependencies; the result lists dependencies before dependents in the
 * order apko (go-apk) installs them. Where go-apk's answer breaks apk's rules (a package of another arch, an
 * install_if missed across world entries, a conflict, a constraint met too late) the answer is apk-tools'. Build it
 * once per set of indexes (building parses every dependency) and resolve as often as needed; each resolution is
 * independent and a resolver may be used from several threads.
 *
 * <p>Across archs (apko's rule): pass the resolvers of the other archs built for the same image and any package
 * version missing from one of them is disqualified, so every arch gets the same versions or the failure names the
 * package and the arch lacking it.
 */
public final class Resolver {
  /** Attempts at most: each applies one more constraint learnt from the one before. */
  private static final int MAX_ATTEMPTS = 8;

  private final String arch;
  private final ResolverIndex index;

  /**
   * @param arch the apk arch the indexes are for
   * @param indexes the repositories' indexes, in repository order (earlier wins ties between identical packages)
   */
  public Resolver(String arch, List<RepositoryIndex> indexes) {
    this.arch = arch;
    this.index = new ResolverIndex(arch, indexes);
  }

  public String arch() {
    return arch;
  }

  public List<RepositoryIndex> indexes() {
    return index.indexes;
  }

  /**
   * Resolves a world (package constraints, as in a config's {@code contents.packages}) for this arch alone.
   *
   * @throws ResolutionException explaining which constraint failed and why each candidate was rejected
   */
  public Resolution resolve(Collection<String> world) throws ResolutionException {
    return resolve(world, List.of());
  }

  /**
   * Resolves a world, disqualifying package versions that some other arch's repositories lack.
   *
   * @param otherArchs resolvers for the image's other archs (this one, if included, is ignored)
   */
  public Resolution resolve(Collection<String> world, Collection<Resolver> otherArchs) throws ResolutionException {
    List<String> sorted = sortedWorld(world);
    Map<Candidate, String> dq = new IdentityHashMap<>(index.otherArch);
    for (Resolver other : otherArchs) {
      if (other == this || other.arch.equals(arch)) {
        continue;
      }
      for (List<Candidate> named : index.byName.values()) {
        for (Candidate c : named) {
          if (!dq.containsKey(c) && !other.index.has(c.name(), c.versionText())) {
            dq.put(c, "package \"" + c.filename() + "\" is not available for arch \"" + other.arch + "\"");
          }
        }
      }
    }
    // go-apk's greedy choice first; when it breaks a constraint it met too late, again with that constraint applied
    // from the start (apk's backtracking, in the cases the issue measured), at most MAX_ATTEMPTS times.
    List<Dependency> learned = new ArrayList<>();
    Solve.Failure first = null;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        List<Candidate> chosen = new Solve(index, dq, learned).run(sorted);
        List<ResolvedPackage> out = new ArrayList<>(chosen.size());
        for (Candidate c : chosen) {
          out.add(c.resolved());
        }
        return new Resolution(arch, sorted, out);
      } catch (Solve.Failure f) {
        first = first == null ? f : first;
        if (f.learn == null || learned.stream().anyMatch(l -> l.text().equals(f.learn.text()))) {
          break;
        }
        learned.add(f.learn);
      }
    }
    // The first failure is the one a reader can follow: later ones are about constraints it brought forward.
    throw new ResolutionException("cannot resolve packages for " + arch + ": " + first.getMessage());
  }

  /** apko's world: de-duplicated and sorted (Go string order), empty entries dropped. */
  static List<String> sortedWorld(Collection<String> world) {
    TreeSet<String> set = new TreeSet<>(CodePointOrder.INSTANCE);
    for (String w : world) {
      String t = w.trim();
      if (!t.isEmpty()) {
        set.add(t);
      }
    }
    return List.copyOf(set);
  }
}
