package dev.apkofarm.core.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Rules that involve several fields of a config, checked on every {@link ImageConfig} built. */
final class ConfigRules {
  private ConfigRules() {}

  /** A broken rule: the field to blame (a dotted path) and what is wrong. */
  record Problem(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  /** The first broken rule, or null. */
  static Problem check(ImageConfig c) {
    if (c.contents().baseImage().isPresent()) {
      List<String> found = new ArrayList<>();
      if (!c.entrypoint().isEmpty()) {
        found.add("entrypoint");
      }
      c.cmd().ifPresent(x -> found.add("cmd"));
      c.stopSignal().ifPresent(x -> found.add("stop-signal"));
      c.workDir().ifPresent(x -> found.add("work-dir"));
      if (!c.accounts().isEmpty()) {
        found.add("accounts");
      }
      if (!c.environment().isEmpty()) {
        found.add("environment");
      }
      if (!c.paths().isEmpty()) {
        found.add("paths");
      }
      if (!c.annotations().isEmpty()) {
        found.add("annotations");
      }
      if (!found.isEmpty()) {
        return new Problem(
            "contents.baseimage",
            "with a base image only contents, archs and include may be set (also set: " + String.join(", ", found)
                + ")");
      }
      if (c.layering().map(Layering::multiLayer).orElse(false)) {
        return new Problem("layering", "layering is not supported with a base image");
      }
    }
    if (c.effectiveFormat() == LayerFormat.EROFS && c.layering().isPresent()) {
      return new Problem("layering", "layering is not supported with format erofs yet (use one or the other)");
    }
    Set<String> keyNames = new HashSet<>();
    for (RuntimeKey key : c.contents().runtimeKeyring()) {
      if (!keyNames.add(key.name())) {
        return new Problem("contents.runtime_keyring", "entry \"" + key.name() + "\" is a duplicate");
      }
    }
    return null;
  }

  /** {@link #check} as a message, or null. */
  static String crossFieldProblem(ImageConfig c) {
    Problem p = check(c);
    return p == null ? null : p.toString();
  }
}
