package dev.apkofarm.client.farm;

import dev.apkofarm.cluster.blobs.BlobDigestException;
import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.oci.OciLayout;
import dev.apkofarm.proto.v1.ImageStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a built image as an OCI image layout at {@code DIR/<name>/} with core's {@link OciLayout} (so it is the
 * layout {@code apko-client build} writes, byte for byte). Blobs stream from the farm straight to disk, each digested
 * once on the way, into a staging directory {@code DIR/.<name>.partial/}; the layout is assembled there (hard links)
 * and renamed into place, so a half-downloaded layout never looks complete. A download that breaks off goes on from
 * the byte it reached (the farm serves offsets), and what an interrupted client left in the staging directory is
 * taken up by the next run into the same {@code DIR}: a partial blob is read once to restore its digest and only
 * the rest is downloaded. A partial blob that turns out wrong is dropped and downloaded again from its start.
 */
public final class LayoutWriter {
  private final BlobTransfer blobs;

  public LayoutWriter(BlobTransfer blobs) {
    this.blobs = blobs;
  }

  /**
   * Where the blobs of {@code image} gather under {@code dir} before its layout is written: by digest, each complete
   * and verified before it gets its name (so a run that was interrupted goes on from them).
   */
  public static Path staging(Path dir, String image) {
    return partial(dir, image).resolve("blobs");
  }

  private static Path partial(Path dir, String image) {
    return dir.resolve("." + image + ".partial");
  }

  /** Downloads {@code image} into {@code dir/<name>}, replacing what was there. */
  public Path write(Path dir, ImageStatus image) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve(image.getName());
    Path partial = partial(dir, image.getName());
    Files.createDirectories(partial);
    try (FileChannel lockFile = FileChannel.open(partial.resolve("lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock()) {
      if (lock == null) {
        throw new IOException("another apko-client is writing " + target + " (" + partial + " is locked)");
      }
      DirectoryBlobStore staging = new DirectoryBlobStore(staging(dir, image.getName()));
      List<Descriptor> descriptors = new ArrayList<>();
      for (dev.apkofarm.proto.v1.Descriptor d : image.getBlobsList()) {
        Descriptor core = Descriptor.of(d.getMediaType(), Digest.parse(d.getDigest()), d.getSize());
        descriptors.add(core);
        if (!staging.contains(core.digest())) { // a complete blob there was verified before it got its name
          fetch(core, staging.path(core.digest()));
        }
      }
      ByteArrayOutputStream index = new ByteArrayOutputStream();
      blobs.download(image.getIndex().getDigest(), index);
      Path layout = partial.resolve("layout");
      deleteTree(layout);
      OciLayout.write(layout, index.toByteArray(), descriptors, staging);
      replace(layout, target);
    }
    deleteTree(partial);
    return target;
  }

  /** Downloads {@code blob} to {@code file}, going on from a partial download an earlier run left. */
  private void fetch(Descriptor blob, Path file) throws IOException {
    Path part = file.resolveSibling(file.getFileName() + ".part");
    for (int attempt = 0; ; attempt++) {
      long have = Files.exists(part) ? Files.size(part) : 0;
      if (have > blob.size()) {
        Files.delete(part);
        have = 0;
      }
      MessageDigest sha = Digest.newSha256();
      if (have > 0) {
        try (InputStream in = Files.newInputStream(part)) {
          byte[] buf = new byte[BlobTransfer.CHUNK];
          for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
          }
        }
      }
      try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        long size = blobs.download(blob.digest().toString(), have, sha, out);
        if (size != blob.size()) {
          throw new IOException("blob " + blob.digest() + " has " + size + " bytes, the farm listed " + blob.size());
        }
      } catch (BlobDigestException e) {
        Files.deleteIfExists(part);
        if (have == 0 || attempt > 0) {
          throw e;
        }
        continue; // the partial bytes were not the blob's: once more, from the start
      }
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
  }

  private static void replace(Path layout, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
      Files.delete(old);
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(layout, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      throw new IOException(target + " appeared while writing it", e);
    }
    if (old != null) {
      deleteTree(old);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(x);
      }
    }
  }

}
