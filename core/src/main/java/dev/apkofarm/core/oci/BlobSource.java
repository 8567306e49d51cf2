package dev.apkofarm.core.oci;

import java.io.IOException;
import java.io.InputStream;

/** Reads blobs back by digest (to assemble an OCI layout, a docker tarball or a registry push). */
public interface BlobSource {
  /** Opens the blob; the caller closes the stream. Throws {@link java.nio.file.NoSuchFileException} if absent. */
  InputStream open(Digest digest) throws IOException;

  /** True if the blob is present. */
  boolean contains(Digest digest);
}
