package dev.apkofarm.coordinator.scheduler;

import java.util.ArrayList;
import java.util.List;

/** A worker stream that records what the scheduler sends. */
final class RecordingLink implements WorkerLink {
  final List<WorkerCommand> sent = new ArrayList<>();
  boolean closed;

  @Override
  public void send(WorkerCommand command) {
    sent.add(command);
  }

  @Override
  public void close() {
    closed = true;
  }

  List<WorkerCommand.Assign> assigns() {
    return sent.stream().filter(WorkerCommand.Assign.class::isInstance).map(WorkerCommand.Assign.class::cast).toList();
  }

  List<WorkerCommand.Cancel> cancels() {
    return sent.stream().filter(WorkerCommand.Cancel.class::isInstance).map(WorkerCommand.Cancel.class::cast).toList();
  }
}
