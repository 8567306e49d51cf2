package dev.apkofarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.Symlink;
import dev.apkofarm.core.testing.ApkoGolden;
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
    Path golden = Fixtures.apkoCli().resolve("testdata/golden/blobs/sha256").resolve(Digest.parse(blob).hex());
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
    roundTrip(ApkoGolden.AMD64_LAYER, ApkoGolden.AMD64_DIFF_ID);
  }

  @Test
  void rewritesTheArm64GoldenLayerByteForByte() throws Exception {
    roundTrip(ApkoGolden.ARM64_LAYER, ApkoGolden.ARM64_DIFF_ID);
  }
}
