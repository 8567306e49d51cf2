package dev.apkofarm.client.farm;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.core.oci.BlobSink;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.oci.OciLayout;
import dev.apkofarm.proto.v1.ImageStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a built image as an OCI image layout at {@code DIR/<name>/} with core's {@link OciLayout} (so it is the
 * layout {@code apko-client build} writes, byte for byte): blobs are downloaded (digest-verified) into a staging
 * store, the layout is assembled under a temp name beside the target and renamed into place, so a half-downloaded
 * layout never looks complete.
 */
public final class LayoutWriter {
  private final BlobTransfer blobs;

  public LayoutWriter(BlobTransfer blobs) {
    this.blobs = blobs;
  }

  /** Downloads {@code image} into {@code dir/<name>}, replacing what was there. */
  public Path write(Path dir, ImageStatus image) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve(image.getName());
    Path tmp = Files.createTempDirectory(dir, "." + image.getName() + ".partial-");
    try {
      DirectoryBlobStore staging = new DirectoryBlobStore(tmp.resolve("staging"));
      List<Descriptor> descriptors = new ArrayList<>();
      for (dev.apkofarm.proto.v1.Descriptor d : image.getBlobsList()) {
        Descriptor core = Descriptor.of(d.getMediaType(), Digest.parse(d.getDigest()), d.getSize());
        descriptors.add(core);
        if (staging.contains(core.digest())) {
          continue;
        }
        try (BlobSink.Pending p = staging.create()) {
          long n = blobs.download(d.getDigest(), p.stream());
          Descriptor written = p.commit(d.getMediaType());
          if (n != d.getSize() || !written.digest().equals(core.digest())) {
            throw new IOException("blob " + d.getDigest() + " downloaded as " + written.digest() + ", " + n + " bytes");
          }
        }
      }
      ByteArrayOutputStream index = new ByteArrayOutputStream();
      blobs.download(image.getIndex().getDigest(), index);
      Path layout = tmp.resolve("layout");
      OciLayout.write(layout, index.toByteArray(), descriptors, staging);
      replace(layout, target);
      return target;
    } finally {
      deleteTree(tmp);
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
