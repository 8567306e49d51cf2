package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.JobEvent;

/** A watcher of a job's events (implemented by the gRPC adapter, or by tests). Called on the scheduler's thread. */
public interface EventSink {
  void onEvent(JobEvent event);

  /** The job ended (its last event was delivered) or the scheduler stopped. */
  void onEnd();
}
