package dev.apkofarm.coordinator.scheduler;

/** A job id the farm does not know (never submitted, or forgotten). */
public final class UnknownJobException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownJobException(String jobId) {
    super("no job " + jobId + " on this farm");
  }
}
