package dev.apkofarm.core.registry;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * A registry refused or failed a request. The message names the registry, the operation and the registry's own
 * error code and text; it never contains a credential or a token.
 */
public class RegistryException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String registry;
  private final OptionalInt status;

  public RegistryException(String registry, String message) {
    this(registry, OptionalInt.empty(), message, null);
  }

  public RegistryException(String registry, OptionalInt status, String message, Throwable cause) {
    super("registry " + registry + ": " + message, cause);
    this.registry = registry;
    this.status = status;
  }

  /** The registry host. */
  public String registry() {
    return registry;
  }

  /** The HTTP status that caused this, when there was a response. */
  public OptionalInt status() {
    return status;
  }
}
