package dev.apkofarm.core.registry;

import java.util.Objects;

/**
 * A registry credential: a user name and a password, or an identity (refresh) token when the user name is
 * {@value #IDENTITY_TOKEN_USER} (what {@code docker login} stores for token-based logins). {@link #toString()}
 * never shows either part.
 *
 * @param username the user name, or {@value #IDENTITY_TOKEN_USER}
 * @param secret the password or identity token
 */
public record Credential(String username, String secret) {
  /** The user name docker config files use for OAuth2 refresh tokens. */
  public static final String IDENTITY_TOKEN_USER = "<token>";

  public Credential {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(secret, "secret");
  }

  /** Whether {@link #secret()} is an OAuth2 refresh token to exchange at the token endpoint. */
  public boolean isIdentityToken() {
    return IDENTITY_TOKEN_USER.equals(username);
  }

  @Override
  public String toString() {
    return "Credential[***]";
  }
}
