package dev.apkofarm.coordinator.scheduler;

/** The coordinator holds as many live images as it is configured for; the client should retry later. */
public final class FarmBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FarmBusyException(String message) {
    super(message);
  }
}
