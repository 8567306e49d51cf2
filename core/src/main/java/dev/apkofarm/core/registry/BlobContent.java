package dev.apkofarm.core.registry;

import dev.apkofarm.core.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A blob to push: its digest and size, and a way to stream its bytes from any offset (uploads resume from the
 * offset the registry reports), so a layer is never held in memory.
 */
public interface BlobContent {
  Digest digest();

  long size();

  /** A fresh stream of the blob's bytes starting at {@code offset}; the caller closes it. */
  InputStream open(long offset) throws IOException;

  /** Where the bytes come from, for error messages (a path, or "in memory"). */
  String origin();

  /** A blob in a file whose digest and size are already known (e.g. from a manifest). */
  static BlobContent ofFile(Path file, Digest digest, long size) {
    return new FileBlob(file, digest, size);
  }

  /** A small blob held in memory (manifests, configs, SBOMs of a few KiB). */
  static BlobContent ofBytes(byte[] bytes) {
    byte[] copy = bytes.clone();
    Digest digest = Digest.of(copy);
    return new BlobContent() {
      @Override
      public Digest digest() {
        return digest;
      }

      @Override
      public long size() {
        return copy.length;
      }

      @Override
      public InputStream open(long offset) {
        return new ByteArrayInputStream(copy, (int) offset, copy.length - (int) offset);
      }

      @Override
      public String origin() {
        return "in-memory blob " + digest;
      }
    };
  }

  /** A blob backed by a file. */
  record FileBlob(Path file, Digest digest, long size) implements BlobContent {
    @Override
    public InputStream open(long offset) throws IOException {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      try {
        channel.position(offset);
        return Channels.newInputStream(channel);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }

    @Override
    public String origin() {
      return file.toString();
    }

    /** The file's current size, to check it against the size a manifest declares. */
    long actualSize() throws IOException {
      return Files.size(file);
    }
  }
}
