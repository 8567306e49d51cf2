package dev.apkofarm.coordinator.front;

import dev.apkofarm.core.InputText;

/**
 * A request the registry front refuses, as the OCI distribution spec words it: an HTTP status, one of the spec's
 * error codes and a message. It becomes the error body ({@code {"errors":[{"code", "message"}]}}) and is never
 * more: no stack trace, no path of the coordinator's. Messages escape control characters, so a hostile name cannot
 * forge a line of a client's output or of the log.
 */
final class RegistryError extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  private RegistryError(int status, String code, String message) {
    super(InputText.printable(message), null, false, false);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  /** The spec's error code, e.g. {@code MANIFEST_UNKNOWN}. */
  String code() {
    return code;
  }

  static RegistryError unauthorized(String message) {
    return new RegistryError(401, "UNAUTHORIZED", message);
  }

  static RegistryError nameInvalid(String message) {
    return new RegistryError(400, "NAME_INVALID", message);
  }

  static RegistryError nameUnknown(String message) {
    return new RegistryError(404, "NAME_UNKNOWN", message);
  }

  static RegistryError manifestUnknown(String message) {
    return new RegistryError(404, "MANIFEST_UNKNOWN", message);
  }

  static RegistryError blobUnknown(String message) {
    return new RegistryError(404, "BLOB_UNKNOWN", message);
  }

  static RegistryError digestInvalid(String message) {
    return new RegistryError(400, "DIGEST_INVALID", message);
  }

  static RegistryError tagInvalid(String message) {
    return new RegistryError(400, "TAG_INVALID", message);
  }

  /**
   * The config of the requested image does not lock or build: a mistake in the config, its repositories or the
   * requested packages, named by the engine's message. Docker shows a 4xx body's message; a 5xx it only counts.
   */
  static RegistryError buildFailed(String message) {
    return new RegistryError(404, "MANIFEST_UNKNOWN", message);
  }

  static RegistryError paginationInvalid(String message) {
    return new RegistryError(400, "PAGINATION_NUMBER_INVALID", message);
  }

  /** The front only reads: pushes, deletes and uploads are refused. */
  static RegistryError unsupported(String message) {
    return new RegistryError(405, "UNSUPPORTED", message);
  }

  static RegistryError notFound(String message) {
    return new RegistryError(404, "NOT_FOUND", message);
  }

  /** The farm cannot answer now (a build still running past the wait, a repository unreachable): try again. */
  static RegistryError unavailable(String message) {
    return new RegistryError(503, "UNAVAILABLE", message);
  }

  /** A {@code Range} the blob cannot satisfy. */
  static RegistryError rangeInvalid(String message) {
    return new RegistryError(416, "RANGE_INVALID", message);
  }
}
