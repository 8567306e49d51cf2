package dev.apkofarm.core.apk.repo;

import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Where a package's bytes come from when no cache tier has them. Whatever the origin, the package is verified
 * against its index checksum before use (see {@link PackageStore}).
 */
public sealed interface PackageOrigin {
  /** Its repository location: an HTTP(S) URL, or a local path or {@code file://} URL of whoever builds. */
  record Location(String url) implements PackageOrigin {
    public Location {
      Objects.requireNonNull(url, "url");
    }
  }

  /**
   * A content-addressed blob (the .apk file's sha256) in a store, e.g. a farm coordinator's: how a worker gets a
   * package of a local repository it cannot read. The bytes are checked against {@code digest} as they are copied.
   */
  record Content(Digest digest, long size, ContentStore store) implements PackageOrigin {
    public Content {
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(store, "store");
      if (size < 0) {
        throw new IllegalArgumentException("negative size " + size + " of " + digest);
      }
    }
  }

  /** A store of blobs by sha256. */
  @FunctionalInterface
  interface ContentStore {
    /**
     * The blob's bytes (not yet verified: the caller checks them against the digest).
     *
     * @throws IOException naming the blob when the store does not have it or cannot be reached
     */
    InputStream open(Digest digest) throws IOException;
  }
}
