package dev.apkofarm.coordinator.scheduler;

import java.util.List;
import java.util.concurrent.CompletableFuture;

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

  /**
   * Hands a report to the scheduler.
   *
   * @return completes once the scheduler has processed it (and written what follows to the cluster state): the
   *     moment the worker may forget a result or failure
   */
  public CompletableFuture<Void> report(TaskReport report) {
    return scheduler.report(workerId, report);
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
