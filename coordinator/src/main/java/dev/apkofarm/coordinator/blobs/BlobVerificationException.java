package dev.apkofarm.coordinator.blobs;

import java.io.IOException;

/** Uploaded bytes whose size or digest is not what the uploader announced. */
public final class BlobVerificationException extends IOException {
  private static final long serialVersionUID = 1L;

  public BlobVerificationException(String message) {
    super(message);
  }
}
