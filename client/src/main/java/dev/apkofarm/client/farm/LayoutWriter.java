package dev.apkofarm.client.farm;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.proto.v1.Descriptor;
import dev.apkofarm.proto.v1.ImageStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a built image as an OCI image layout at {@code DIR/<name>/}, the way {@code apko build} writes one: the
 * {@code oci-layout} marker, {@code index.json} = the image index itself, and every manifest, config and layer under
 * {@code blobs/sha256/}. The layout is assembled under a temp name beside the target and renamed into place, so a
 * half-downloaded layout never looks complete.
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
      Path blobDir = Files.createDirectories(tmp.resolve("blobs").resolve("sha256"));
      for (Descriptor d : image.getBlobsList()) {
        Path f = blobDir.resolve(Digest.parse(d.getDigest()).hex());
        if (Files.exists(f)) {
          continue;
        }
        try (OutputStream out = Files.newOutputStream(f)) {
          long n = blobs.download(d.getDigest(), out);
          if (n != d.getSize()) {
            throw new IOException("blob " + d.getDigest() + " has " + n + " bytes, its descriptor says " + d.getSize());
          }
        }
      }
      ByteArrayOutputStream index = new ByteArrayOutputStream();
      blobs.download(image.getIndex().getDigest(), index);
      Files.write(tmp.resolve("index.json"), index.toByteArray());
      Files.writeString(tmp.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
      replace(tmp, target);
      return target;
    } finally {
      deleteTree(tmp);
    }
  }

  private static void replace(Path tmp, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
      Files.delete(old);
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
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
