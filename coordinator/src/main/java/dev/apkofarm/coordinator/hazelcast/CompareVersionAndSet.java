package dev.apkofarm.coordinator.hazelcast;

import com.hazelcast.map.EntryProcessor;
import dev.apkofarm.coordinator.model.TaskRecord;
import java.util.Map;

/** Replaces a task only if the stored version is the one the change was computed from; runs on the key's owner. */
final class CompareVersionAndSet implements EntryProcessor<String, TaskRecord, Boolean> {
  private static final long serialVersionUID = 1L;

  private final TaskRecord updated;

  CompareVersionAndSet(TaskRecord updated) {
    this.updated = updated;
  }

  @Override
  public Boolean process(Map.Entry<String, TaskRecord> entry) {
    TaskRecord current = entry.getValue();
    if (current == null || current.version() != updated.version() - 1) {
      return false;
    }
    entry.setValue(updated);
    return true;
  }
}
