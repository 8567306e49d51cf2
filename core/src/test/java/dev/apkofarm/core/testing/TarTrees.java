package dev.apkofarm.core.testing;

import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.RegularFile;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads a gzipped tar layer (e.g. one of apko's golden layers) into an {@link ImageTree}, for tests. */
public final class TarTrees {
  private TarTrees() {}

  /** The layer's entries as a tree: modes, owners, mtimes, devices, symlinks; contents held inline. */
  public static ImageTree read(Path gzipTar) throws Exception {
    ImageTree tree = new ImageTree();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipTar));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String name = e.getName();
        int mode = e.getMode() & 07777;
        long mtime = e.getModTime().toInstant().getEpochSecond();
        Node node;
        if (e.isDirectory()) {
          node = tree.mkdir(name, mode);
        } else if (e.isSymbolicLink()) {
          node = tree.symlink(e.getLinkName(), name);
        } else if (e.isCharacterDevice()) {
          node = tree.mknod(name, true, e.getDevMajor(), e.getDevMinor(), mode);
        } else if (e.isLink()) {
          tree.link(e.getLinkName(), name, e.getLinkName());
          continue;
        } else {
          node = new RegularFile(mode, mtime, ContentRef.inline(tar.readAllBytes()));
          tree.put(name, node);
        }
        node.setMode(mode);
        node.setMtime(mtime);
        node.setOwner(e.getLongUserId(), e.getLongGroupId());
      }
    }
    return tree;
  }

  /** One of apko's golden layer blobs, by hex digest. */
  public static Path goldenBlob(String hex) {
    return Fixtures.apkoCli().resolve("testdata/golden/blobs/sha256").resolve(hex);
  }
}
