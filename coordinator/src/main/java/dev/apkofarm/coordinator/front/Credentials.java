package dev.apkofarm.coordinator.front;

import dev.apkofarm.cluster.security.BearerToken;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Who may pull: whoever presents the farm's token, as a registry bearer token ({@code Authorization: Bearer <token>})
 * or as the password of basic authentication (any user name: {@code docker login -u anything}), and nobody else
 * unless anonymous pulls are allowed. Wrong credentials are refused even then: a client that sends some expects them
 * to count.
 */
final class Credentials {
  /** The challenge a refused client gets; docker answers it with the credentials of {@code docker login}. */
  static final String CHALLENGE = "Basic realm=\"apko-farm\"";

  private final Optional<BearerToken> token;
  private final boolean allowAnonymous;

  Credentials(Optional<BearerToken> token, boolean allowAnonymous) {
    if (token.isEmpty() && !allowAnonymous) {
      throw new IllegalArgumentException("the registry front needs the farm's token (--token-file or $"
          + BearerToken.ENV + ") or --allow-anonymous: without either nobody could pull");
    }
    this.token = token;
    this.allowAnonymous = allowAnonymous;
  }

  /** Whether a request with this {@code Authorization} header (or none) may read. */
  boolean allows(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return allowAnonymous;
    }
    if (token.isEmpty()) {
      return true; // anonymous pulls are allowed and no token is set: there is nothing to check credentials against
    }
    Optional<String> secret = secret(authorization.strip());
    return secret.isPresent() && token.get().matches(secret.get());
  }

  private static Optional<String> secret(String header) {
    int space = header.indexOf(' ');
    if (space < 0) {
      return Optional.empty();
    }
    String scheme = header.substring(0, space);
    String value = header.substring(space + 1).strip();
    if (scheme.equalsIgnoreCase("Bearer")) {
      return Optional.of(value);
    }
    if (scheme.equalsIgnoreCase("Basic")) {
      try {
        String pair = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(pair.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
