package dev.apkofarm.core.oci;

import java.util.Objects;

/**
 * A written layer: the digest of its uncompressed tar (the diff_id, which names its content whatever the
 * compression) and the descriptor of its compressed blob.
 *
 * @param diffId sha256 of the uncompressed tar
 * @param blob the gzip blob as stored
 * @param uncompressedSize bytes of the uncompressed tar
 */
public record Layer(Digest diffId, Descriptor blob, long uncompressedSize) {
  public Layer {
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(blob, "blob");
  }
}
