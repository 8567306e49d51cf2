package dev.apkofarm.coordinator.scheduler;

import java.util.List;

/** What the gRPC adapter of one worker's stream calls into the scheduler with. */
public final class WorkerHandle {
  private final Scheduler scheduler;
  private final String workerId;
  private final WorkerLink link;

  WorkerHandle(Scheduler scheduler, String workerId, WorkerLink link) {
    this.scheduler = scheduler;
    this.workerId = workerId;
    this.link = link;
  }

  public String workerId() {
    return workerId;
  }

  /** Any message renews the worker's leases; a heartbeat is just that. */
  public void heard() {
    scheduler.heard(workerId);
  }

  public void report(TaskReport report) {
    scheduler.report(workerId, report);
  }

  /** The worker takes nothing new and hands back these tasks (to be requeued). */
  public void draining(List<Scheduler.TaskRef> handedBack) {
    scheduler.draining(workerId, handedBack);
  }

  /** The stream ended; the worker's tasks keep their lease until it expires (it may reconnect). */
  public void disconnected() {
    scheduler.disconnected(workerId, link);
  }
}
