package dev.apkofarm.coordinator.scheduler;

/** The scheduler's handle on a connected worker's stream (implemented by the gRPC adapter, or by tests). */
public interface WorkerLink {
  /** Sends a command; must not block for long (called on the scheduler's thread). */
  void send(WorkerCommand command);

  /** Ends the stream from the coordinator's side. */
  void close();
}
