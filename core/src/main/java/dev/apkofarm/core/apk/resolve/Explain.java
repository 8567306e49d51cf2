package dev.apkofarm.core.apk.resolve;

import dev.apkofarm.core.apk.Dependency;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Builds resolution failure messages: the constraint, the dependency path, and each candidate's rejection. */
final class Explain {
  private static final int MAX_CANDIDATES = 25;

  private Explain() {}

  /** {@code " (via world → pkg-1.0-r0 → dep)"}, or empty at the top level. */
  static String via(Collection<String> path) {
    return path.isEmpty() ? "" : " (via " + String.join(" → ", path) + ")";
  }

  static String noneSatisfies(
      Dependency d, List<Candidate> all, Solve solve, String allowPin, Candidate installed, Collection<String> path) {
    StringBuilder sb = new StringBuilder("no package satisfies \"").append(d).append('"').append(via(path));
    sb.append("; candidates:");
    Map<Candidate, Boolean> seen = new IdentityHashMap<>();
    int shown = 0;
    for (Candidate c : all) {
      if (seen.put(c, Boolean.TRUE) != null) {
        continue;
      }
      if (shown++ == MAX_CANDIDATES) {
        sb.append("\n  ... and more");
        break;
      }
      String why = solve.rejection(c, d, allowPin, d.tag().orElse(""), installed);
      sb.append("\n  ").append(c.info.nameVersion());
      if (!c.name().equals(d.name())) {
        sb.append(" (provides ").append(d.name()).append(')');
      }
      sb.append(" from ").append(c.source.repository().url()).append(": ").append(why == null ? "acceptable" : why);
    }
    return sb.toString();
  }
}
