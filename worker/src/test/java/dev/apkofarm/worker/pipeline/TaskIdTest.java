package dev.apkofarm.worker.pipeline;

import dev.apkofarm.core.testing.RecordContract;
import org.junit.jupiter.api.Test;

/** TaskId's equals and hashCode, written out (docs/engineering.md, "Start-up"), behave as the record's own would. */
class TaskIdTest {
  @Test
  void equalityIsTheRecords() {
    RecordContract.check(TaskId.class, new Object[] {"job/image/amd64", 1}, new Object[] {"job/image/arm64", 2});
  }
}
