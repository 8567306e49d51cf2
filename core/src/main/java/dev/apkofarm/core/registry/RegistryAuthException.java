package dev.apkofarm.core.registry;

import java.util.OptionalInt;

/** Authentication or authorisation failed: no credentials, wrong credentials, or not allowed to push. */
public final class RegistryAuthException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryAuthException(String registry, String message) {
    super(registry, message);
  }

  public RegistryAuthException(String registry, int status, String message) {
    super(registry, OptionalInt.of(status), message, null);
  }
}
