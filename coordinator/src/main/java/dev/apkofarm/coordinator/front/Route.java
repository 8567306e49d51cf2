package dev.apkofarm.coordinator.front;

import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.registry.ImageRef;
import java.util.OptionalInt;

/**
 * What a request path asks the front for, parsed from the raw path: the OCI distribution API's read side. Names,
 * tags and digests are checked here, where they enter; anything else is refused before it reaches the farm.
 */
sealed interface Route {
  /** Longest path accepted: a repository name is at most 255 characters, a digest 71. */
  int MAX_PATH = 1024;

  /** {@code /v2/}: the API version check (and where clients meet the authentication challenge). */
  record Base() implements Route {}

  /** {@code /v2/_catalog}: the configs of the directory. */
  record Catalog(Page page) implements Route {}

  /** {@code /v2/<name>/tags/list}. */
  record Tags(ImageName name, Page page) implements Route {}

  /** {@code /v2/<name>/manifests/<tag>}. */
  record TaggedManifest(ImageName name, String tag) implements Route {}

  /** {@code /v2/<name>/manifests/<digest>}. */
  record ManifestByDigest(ImageName name, Digest digest) implements Route {}

  /** {@code /v2/<name>/blobs/<digest>}. */
  record Blob(ImageName name, Digest digest) implements Route {}

  /**
   * The {@code n} and {@code last} of a list request (the spec's pagination).
   *
   * @param n at most this many entries, or all
   * @param last only entries after this one, or null
   */
  record Page(OptionalInt n, String last) {
    static final Page ALL = new Page(OptionalInt.empty(), null);
  }

  /**
   * Parses a request.
   *
   * @param rawPath the path as sent (not percent-decoded: names, tags and digests never need escapes, so a
   *     {@code %} is refused rather than decoded into something a check did not see)
   * @param rawQuery the query as sent, or null
   * @throws RegistryError naming what is wrong, for any path the read side of the API does not have
   */
  static Route parse(String method, String rawPath, String rawQuery, int maxPackages) throws RegistryError {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw RegistryError.unsupported("this registry is read-only: " + method + " is not served");
    }
    if (rawPath.length() > MAX_PATH || rawPath.contains("%") || rawPath.contains("//")) {
      throw RegistryError.nameInvalid("malformed request path");
    }
    if (rawPath.equals("/v2/") || rawPath.equals("/v2")) {
      return new Base();
    }
    if (!rawPath.startsWith("/v2/")) {
      throw RegistryError.notFound("not a registry API path (they start with /v2/)");
    }
    String rest = rawPath.substring(4);
    if (rest.equals("_catalog")) {
      return new Catalog(page(rawQuery));
    }
    if (rest.endsWith("/tags/list")) {
      return new Tags(ImageName.parse(rest.substring(0, rest.length() - "/tags/list".length()), maxPackages),
          page(rawQuery));
    }
    if (rest.contains("/blobs/uploads")) {
      throw RegistryError.unsupported("this registry is read-only: uploads are not served");
    }
    int manifests = rest.lastIndexOf("/manifests/");
    int blobs = rest.lastIndexOf("/blobs/");
    if (manifests > 0 && manifests > blobs) {
      ImageName name = ImageName.parse(rest.substring(0, manifests), maxPackages);
      String reference = rest.substring(manifests + "/manifests/".length());
      if (reference.contains(":")) {
        return new ManifestByDigest(name, digest(reference));
      }
      try {
        ImageRef.of("localhost", "x").withTag(reference); // the tag grammar, whose one owner is ImageRef
      } catch (IllegalArgumentException e) {
        throw RegistryError.tagInvalid("invalid tag " + dev.apkofarm.core.InputText.quote(abbreviated(reference)));
      }
      return new TaggedManifest(name, reference);
    }
    if (blobs > 0) {
      ImageName name = ImageName.parse(rest.substring(0, blobs), maxPackages);
      return new Blob(name, digest(rest.substring(blobs + "/blobs/".length())));
    }
    throw RegistryError.notFound("not a path of the registry API");
  }

  private static Digest digest(String s) throws RegistryError {
    try {
      return Digest.parse(s);
    } catch (IllegalArgumentException e) {
      throw RegistryError.digestInvalid("invalid digest " + dev.apkofarm.core.InputText.quote(abbreviated(s))
          + " (expected sha256:<64 hex digits>)");
    }
  }

  private static Page page(String rawQuery) throws RegistryError {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return Page.ALL;
    }
    OptionalInt n = OptionalInt.empty();
    String last = null;
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      if (key.equals("n")) {
        try {
          n = OptionalInt.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
          throw RegistryError.paginationInvalid("n must be a number");
        }
        if (n.getAsInt() < 0) {
          throw RegistryError.paginationInvalid("n must not be negative");
        }
      } else if (key.equals("last")) {
        last = value;
      }
    }
    return new Page(n, last);
  }

  private static String abbreviated(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
