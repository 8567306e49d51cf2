package dev.apkofarm.core.oci;

import dev.apkofarm.core.io.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Writes an OCI image layout directory ({@code oci-layout}, {@code blobs/sha256/…}, {@code index.json}) as
 * go-containerregistry's {@code layout.Write} does. Blobs go in first, each under a temporary name renamed into
 * place; {@code index.json} is written last, so a layout never names a blob it does not hold.
 */
public final class OciLayout {
  /** The {@code oci-layout} file, byte for byte as go-containerregistry writes it. */
  static final byte[] LAYOUT_FILE =
      "{\n    \"imageLayoutVersion\": \"1.0.0\"\n}".getBytes(StandardCharsets.UTF_8);

  private OciLayout() {}

  /**
   * Writes the layout into {@code dir} (created if missing; other content is left alone).
   *
   * @param indexJson the image index, which becomes {@code index.json}
   * @param blobs every blob the index reaches (manifests, configs, layers)
   * @param source where to read blobs that {@code dir} does not hold yet
   */
  public static void write(Path dir, byte[] indexJson, Collection<Descriptor> blobs, BlobSource source)
      throws IOException {
    Files.createDirectories(dir);
    DirectoryBlobStore target = new DirectoryBlobStore(dir.resolve("blobs"));
    for (Descriptor d : blobs) {
      if (target.contains(d.digest())) {
        continue;
      }
      if (source instanceof DirectoryBlobStore local && link(local.path(d.digest()), target.path(d.digest()))) {
        continue;
      }
      try (InputStream in = source.open(d.digest());
          BlobSink.Pending p = target.create()) {
        in.transferTo(p.stream());
        Descriptor written = p.commit(d.mediaType());
        if (!written.digest().equals(d.digest())) {
          throw new IOException("blob " + d.digest() + " read back as " + written.digest() + " from " + source);
        }
      }
    }
    AtomicFile.write(dir.resolve("oci-layout"), LAYOUT_FILE);
    AtomicFile.write(dir.resolve("index.json"), indexJson);
  }

  /** Hardlinks a complete blob into place (same filesystem); false when that is not possible. */
  private static boolean link(Path from, Path to) {
    try {
      Files.createLink(to, from);
      return true;
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }
}
