package dev.apkofarm.cluster.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * A shared secret clients and workers present as {@code authorization: Bearer <token>}. Its {@link #toString()}
 * never shows the secret, so it cannot leak into a log line by accident.
 */
public final class BearerToken {
  /** The environment variable a token is read from when no file is given. */
  public static final String ENV = "APKO_FARM_TOKEN";

  private final String secret;

  private BearerToken(String secret) {
    if (secret.isBlank() || secret.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IllegalArgumentException("a bearer token must be non-empty printable ASCII without spaces");
    }
    this.secret = secret;
  }

  public static BearerToken of(String secret) {
    return new BearerToken(secret.strip());
  }

  /** The token in {@code file} (surrounding whitespace ignored), else in {@code $APKO_FARM_TOKEN}, else none. */
  public static Optional<BearerToken> load(Path file) throws IOException {
    if (file != null) {
      return Optional.of(of(Files.readString(file, StandardCharsets.UTF_8)));
    }
    String env = System.getenv(ENV);
    return env == null || env.isBlank() ? Optional.empty() : Optional.of(of(env));
  }

  String headerValue() {
    return "Bearer " + secret;
  }

  /**
   * Constant-time comparison with a secret received otherwise (the registry front takes the token as a bearer token
   * or as the password of basic authentication).
   */
  public boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(
        secret.getBytes(StandardCharsets.US_ASCII), candidate.getBytes(StandardCharsets.US_ASCII));
  }

  /** Constant-time comparison with a received header value. */
  boolean matchesHeader(String header) {
    if (header == null) {
      return false;
    }
    return MessageDigest.isEqual(
        headerValue().getBytes(StandardCharsets.US_ASCII), header.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
