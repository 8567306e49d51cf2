package dev.apkofarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.Symlink;
import dev.apkofarm.core.testing.Fixtures;
import dev.apkofarm.core.testing.TarTrees;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads apko's golden layers into a tree and writes them back: the tar bytes (diff_id) must be identical, which pins
 * the tar writer and the walk order to Go's.
 */
class GoldenLayerRoundTripTest {
  @TempDir Path out;

  private void roundTrip(String blob, String expectedDiffId) throws Exception {
    Path golden = Fixtures.apkoCli().resolve("testdata/golden/blobs/sha256").resolve(blob);
    ImageTree tree = TarTrees.read(golden);
    assertThat(tree.lstat("lib/apk")).containsInstanceOf(Symlink.class);
    assertThat(tree.lstat("tmp").map(Node::mode)).contains(01777);
    assertThat(tree.lstat("var")).containsInstanceOf(Directory.class);

    Layer layer = LayerWriter.withDefaults().write(tree, OwnerNames.NONE, new DirectoryBlobStore(out));

    assertThat(layer.diffId()).hasToString(expectedDiffId);
    assertThat(layer.uncompressedSize()).isEqualTo(32768);
  }

  @Test
  void rewritesTheAmd64GoldenLayerByteForByte() throws Exception {
    roundTrip(
        "c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738",
        "sha256:20f698463c2755b6dc42b7d07e959ed7455a06e7367d507e829a315898f21a01");
  }

  @Test
  void rewritesTheArm64GoldenLayerByteForByte() throws Exception {
    roundTrip(
        "7e0f9d62f6cab4785e18a55f17d03f20ffb776881f1f46258efd9458f7cdaf08",
        "sha256:ca5e16c7c944d764863cb1a4286e668e72d6d87ef9ddd82337b19d87715bae7e");
  }
}
