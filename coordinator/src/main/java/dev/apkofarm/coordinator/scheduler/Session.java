package dev.apkofarm.coordinator.scheduler;

import java.util.LinkedHashSet;
import java.util.Set;

/** A connected worker as the scheduler tracks it. Touched only on the scheduler's thread, except the counters. */
final class Session {
  final WorkerInfo info;
  final WorkerLink link;
  final Set<String> running = new LinkedHashSet<>();
  volatile long lastSeenMillis;
  volatile boolean draining;
  volatile int runningCount;

  Session(WorkerInfo info, WorkerLink link, long now) {
    this.info = info;
    this.link = link;
    this.lastSeenMillis = now;
  }

  int free() {
    return draining ? 0 : info.slots() - running.size();
  }

  void add(String taskId) {
    running.add(taskId);
    runningCount = running.size();
  }

  void remove(String taskId) {
    running.remove(taskId);
    runningCount = running.size();
  }

  String state() {
    if (draining) {
      return "draining";
    }
    return runningCount == 0 ? "idle" : "busy";
  }
}
