package dev.apkofarm.core.registry;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A parsed {@code WWW-Authenticate} header: {@code Basic realm="..."} or
 * {@code Bearer realm="https://auth/token",service="registry",scope="repository:a:pull"}.
 *
 * @param scheme {@code basic} or {@code bearer} (lowercase)
 * @param params the auth-params, keys lowercase
 */
record AuthChallenge(String scheme, Map<String, String> params) {
  AuthChallenge {
    params = Map.copyOf(params);
  }

  boolean isBasic() {
    return scheme.equals("basic");
  }

  boolean isBearer() {
    return scheme.equals("bearer");
  }

  Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name));
  }

  /** Parses the header; empty when it is absent or has a scheme we do not speak. */
  static Optional<AuthChallenge> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String h = header.trim();
    int space = h.indexOf(' ');
    String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
    if (!scheme.equals("basic") && !scheme.equals("bearer")) {
      return Optional.empty();
    }
    Map<String, String> params = new TreeMap<>();
    int i = space < 0 ? h.length() : space + 1;
    while (i < h.length()) {
      while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
        i++;
      }
      int eq = h.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String key = h.substring(i, eq).trim().toLowerCase(Locale.ROOT);
      i = eq + 1;
      StringBuilder value = new StringBuilder();
      if (i < h.length() && h.charAt(i) == '"') {
        i++;
        while (i < h.length() && h.charAt(i) != '"') {
          if (h.charAt(i) == '\\' && i + 1 < h.length()) {
            i++;
          }
          value.append(h.charAt(i++));
        }
        i++;
      } else {
        while (i < h.length() && h.charAt(i) != ',') {
          value.append(h.charAt(i++));
        }
      }
      params.put(key, value.toString().trim());
    }
    return Optional.of(new AuthChallenge(scheme, params));
  }
}
