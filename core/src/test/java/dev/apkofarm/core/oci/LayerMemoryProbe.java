package dev.apkofarm.core.oci;

import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.RegularFile;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link LayerMemoryTest}: writes a layer holding a 1 GiB file and prints
 * the uncompressed size, proving layers are streamed rather than held in memory.
 */
public final class LayerMemoryProbe {
  private LayerMemoryProbe() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long size = Long.parseLong(args[1]);
    Path big = dir.resolve("big.bin");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(size); // sparse: reads as zeros
    }
    ImageTree tree = new ImageTree();
    tree.mkdir("data", 0755);
    tree.put("data/big.bin", new RegularFile(0644, 0, ContentRef.slice(big, 0, size)));
    Layer layer = LayerWriter.withDefaults().write(tree, OwnerNames.NONE, new DirectoryBlobStore(dir.resolve("blobs")));
    System.out.println("uncompressed=" + layer.uncompressedSize() + " compressed=" + layer.blob().size()
        + " maxHeap=" + Runtime.getRuntime().maxMemory());
  }
}
