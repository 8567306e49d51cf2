package dev.apkofarm.core.oci;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a build writes its content-addressed outputs (layers, configs, manifests, SBOMs): blobs are streamed in,
 * digested while they are written, and appear under their digest only when complete.
 */
public interface BlobSink {
  /** Starts a blob; write it through {@link Pending#stream()}, then {@link Pending#commit}. */
  Pending create() throws IOException;

  /** Stores a small blob held in memory. */
  default Descriptor put(String mediaType, byte[] content) throws IOException {
    try (Pending p = create()) {
      p.stream().write(content);
      return p.commit(mediaType);
    }
  }

  /** A blob being written. Closing it without committing discards it. */
  interface Pending extends AutoCloseable {
    /** The stream to write the blob's bytes to (digested as they pass). */
    OutputStream stream();

    /** Finishes the blob and makes it visible under its digest; returns its descriptor. */
    Descriptor commit(String mediaType) throws IOException;

    @Override
    void close() throws IOException;
  }
}
