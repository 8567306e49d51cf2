package dev.apkofarm.coordinator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.oci.Digest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputTreeTest {
  @TempDir Path tmp;

  private String put(DiskBlobStore store, String content) throws Exception {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    String d = Digest.of(b).toString();
    store.put(d, b.length, new ByteArrayInputStream(b));
    return d;
  }

  @Test
  void laysShippedFilesOutAtTheirRelativePathsOnceForIdenticalSubmissions() throws Exception {
    DiskBlobStore store = new DiskBlobStore(tmp.resolve("blobs"));
    Map<String, String> files = Map.of("repo/x86_64/APKINDEX.tar.gz", put(store, "index"), "keys/k.pub", put(store, "key"));

    Path first = InputTree.materialise(store, tmp.resolve("inputs"), "a.yaml", files);
    Path second = InputTree.materialise(store, tmp.resolve("inputs"), "b.yaml", files);

    assertThat(first).isEqualTo(second);
    assertThat(Files.readString(first.resolve("repo/x86_64/APKINDEX.tar.gz"))).isEqualTo("index");
    assertThat(Files.readString(first.resolve("keys/k.pub"))).isEqualTo("key");
  }

  @Test
  void aShippedFileIsTheStoredBlobLinkedNotASecondCopy() throws Exception {
    DiskBlobStore store = new DiskBlobStore(tmp.resolve("blobs"));
    String d = put(store, "a large package, say");

    Path tree = InputTree.materialise(store, tmp.resolve("inputs"), "a.yaml", Map.of("repo/x86_64/big.apk", d));

    assertThat(Files.isSameFile(tree.resolve("repo/x86_64/big.apk"), store.path(d))).isTrue();
  }

  @Test
  void refusesPathsThatEscapeTheTree() throws Exception {
    DiskBlobStore store = new DiskBlobStore(tmp.resolve("blobs"));
    String d = put(store, "x");
    for (String bad : new String[] {"/etc/passwd", "../x", "a/../../x", "a//b"}) {
      assertThatThrownBy(() -> InputTree.materialise(store, tmp.resolve("inputs"), "evil.yaml", Map.of(bad, d)))
          .isInstanceOf(BadInputException.class).hasMessageContaining("evil.yaml");
    }
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  @Test
  void namesAFileThatWasNeverUploaded() throws Exception {
    DiskBlobStore store = new DiskBlobStore(tmp.resolve("blobs"));

    assertThatThrownBy(() -> InputTree.materialise(store, tmp.resolve("inputs"), "c.yaml",
        Map.of("repo/APKINDEX.tar.gz", "sha256:" + "a".repeat(64))))
        .isInstanceOf(BadInputException.class).hasMessageContaining("repo/APKINDEX.tar.gz").hasMessageContaining("not uploaded");
  }

  @Test
  void aPackageStillOnItsWayIsLeftOutWhileEverythingTheLockReadsIsLaidOut() throws Exception {
    DiskBlobStore store = new DiskBlobStore(tmp.resolve("blobs"));
    String index = put(store, "index");

    Path tree = InputTree.materialise(store, tmp.resolve("inputs"), "d.yaml",
        Map.of("repo/x86_64/APKINDEX.tar.gz", index, "repo/x86_64/big.apk", "sha256:" + "b".repeat(64)));

    assertThat(Files.readString(tree.resolve("repo/x86_64/APKINDEX.tar.gz"))).isEqualTo("index");
    assertThat(tree.resolve("repo/x86_64/big.apk")).doesNotExist();
  }
}
