package dev.apkofarm.coordinator.engine;

import dev.apkofarm.core.testing.RecordContract;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;

/**
 * The engine's record of a local package file writes out equals and hashCode (docs/engineering.md, "Start-up"); they
 * behave as the record's own would.
 */
class LocalFileEqualityTest {
  @Test
  void equalityIsTheRecords() throws ClassNotFoundException {
    @SuppressWarnings("unchecked")
    Class<? extends Record> localFile =
        (Class<? extends Record>) Class.forName(CoreCoordinatorEngine.class.getName() + "$LocalFile");
    RecordContract.check(localFile,
        new Object[] {Path.of("/r/x86_64/a.apk"), "Q1abc", 10L, FileTime.fromMillis(1000), "inode-1"},
        new Object[] {Path.of("/r/x86_64/b.apk"), "Q1abd", 11L, FileTime.fromMillis(2000), "inode-2"});
  }
}
