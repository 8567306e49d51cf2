package dev.apkofarm.core.apk.resolve;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.apk.Version;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which of several candidates for a name is best, in go-apk's order of preference (which follows apk-tools'
 * provider comparison): the version already installed, then a package of an origin already installed at that
 * version, then the requested repository tag, then the highest version of the requested name, then the highest
 * version of the package itself, then the highest provider_priority, then the highest version, then the name.
 */
final class Ranking {
  private final ResolverIndex idx;
  private final String name;
  private final Map<String, Candidate> existing;
  private final Map<String, String> existingOrigins;
  private final String pin;

  Ranking(
      ResolverIndex idx,
      String name,
      Map<String, Candidate> existing,
      Map<String, String> existingOrigins,
      String pin) {
    this.idx = idx;
    this.name = name;
    this.existing = existing;
    this.existingOrigins = existingOrigins;
    this.pin = pin;
  }

  /** The first best candidate (a linear scan, so ties go to the earlier one). */
  Candidate best(List<Candidate> candidates) {
    Candidate m = null;
    for (Candidate c : candidates) {
      if (m == null || compare(c, m) < 0) {
        m = c;
      }
    }
    return m;
  }

  /** Negative when {@code a} is preferred. */
  int compare(Candidate a, Candidate b) {
    Candidate ia = existing.get(a.name());
    Candidate ib = existing.get(b.name());
    boolean aInstalled = ia != null && ia.versionText().equals(a.versionText());
    boolean bInstalled = ib != null && ib.versionText().equals(b.versionText());
    if (aInstalled && !bInstalled) {
      return -1;
    }
    if (bInstalled && !aInstalled) {
      return 1;
    }
    // An origin already pulled in, but only at the version pulled in.
    boolean aOrigin = !a.origin().isEmpty() && a.versionText().equals(existingOrigins.get(a.origin()));
    boolean bOrigin = !b.origin().isEmpty() && b.versionText().equals(existingOrigins.get(b.origin()));
    if (aOrigin && !bOrigin) {
      return -1;
    }
    if (bOrigin && !aOrigin) {
      return 1;
    }
    if (a.pin.equals(pin) && !b.pin.equals(pin)) {
      return -1;
    }
    if (!a.pin.equals(pin) && b.pin.equals(pin)) {
      return 1;
    }
    // Latest by the requested name; an unversioned provide carries no version and ties with anything.
    String av = a.versionFor(name);
    String bv = b.versionFor(name);
    if (!av.isEmpty() && !bv.isEmpty() && !av.equals(bv)) {
      int c = newerFirst(av, bv);
      if (c != 0) {
        return c;
      }
    }
    if (a.name().equals(b.name()) && !a.versionText().equals(b.versionText())) {
      int c = newerFirst(a.versionText(), b.versionText());
      if (c != 0) {
        return c;
      }
    }
    if (a.info.providerPriority() != b.info.providerPriority()) {
      return a.info.providerPriority() > b.info.providerPriority() ? -1 : 1;
    }
    // Prefer the newer build whichever repository carries it (go-apk's deliberate departure from apk-tools).
    if (!a.versionText().equals(b.versionText())) {
      int c = newerFirst(a.versionText(), b.versionText());
      if (c != 0) {
        return c;
      }
    }
    return CodePointOrder.INSTANCE.compare(a.name(), b.name());
  }

  /** -1 when {@code a} is newer; an unparseable version loses. */
  private int newerFirst(String a, String b) {
    Optional<Version> va = idx.version(a);
    if (va.isEmpty()) {
      return 1;
    }
    Optional<Version> vb = idx.version(b);
    if (vb.isEmpty()) {
      return -1;
    }
    return -Integer.signum(va.get().compareTo(vb.get()));
  }
}
