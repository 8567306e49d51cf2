package dev.apkofarm.cluster.blobs;

import java.io.IOException;

/** Downloaded bytes that are not the blob they were asked for: the digest (or the size) differs. */
public final class BlobDigestException extends IOException {
  private static final long serialVersionUID = 1L;

  public BlobDigestException(String message) {
    super(message);
  }
}
