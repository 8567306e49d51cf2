package dev.apkofarm.coordinator.blobs;

import java.io.IOException;

/**
 * A resumed upload whose offset the store cannot go on from (it keeps fewer bytes under the key, or none): its sender
 * asks again how many it has, or starts over.
 */
public final class UploadNotResumableException extends IOException {
  private static final long serialVersionUID = 1L;

  public UploadNotResumableException(String message) {
    super(message);
  }
}
