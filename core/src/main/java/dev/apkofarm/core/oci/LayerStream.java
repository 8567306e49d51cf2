package dev.apkofarm.core.oci;

import dev.apkofarm.core.apk.archive.TarHeader;
import dev.apkofarm.core.apk.archive.TarWriter;
import dev.apkofarm.core.fs.ContentRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;

/**
 * One layer being written: tar entries go in, the tar is digested (diff_id) on its way into a parallel gzip stream,
 * whose output is digested again and streamed into a {@link BlobSink}. Nothing is held in memory beyond the gzip
 * blocks in flight.
 */
public final class LayerStream implements AutoCloseable {
  private final BlobSink.Pending blob;
  private final ParallelGzipOutputStream gzip;
  private final MessageDigest diffId = Digest.newSha256();
  private final DirectoryBlobStore.CountingDigestStream tarBytes;
  private final TarWriter tar;
  private boolean done;

  public LayerStream(BlobSink sink, GzipSettings gzipSettings, ExecutorService pool, int threads)
      throws IOException {
    this.blob = sink.create();
    boolean ok = false;
    try {
      this.gzip = new ParallelGzipOutputStream(blob.stream(), gzipSettings, pool, threads);
      this.tarBytes = new DirectoryBlobStore.CountingDigestStream(new NonClosing(gzip), diffId);
      this.tar = new TarWriter(tarBytes);
      ok = true;
    } finally {
      if (!ok) {
        blob.close();
      }
    }
  }

  /** Writes an entry's header and, if given, its bytes (which must be exactly {@code header.size()} long). */
  public void add(TarHeader header, ContentRef content) throws IOException {
    tar.writeHeader(header);
    if (content != null && header.size() > 0) {
      try (InputStream in = content.open()) {
        tar.copyFrom(in);
      }
    }
  }

  /** Writes a layer entry. */
  public void add(LayerEntry entry) throws IOException {
    add(entry.header(), entry.content().orElse(null));
  }

  /** Writes an entry whose bytes are in memory. */
  public void add(TarHeader header, byte[] content) throws IOException {
    tar.writeHeader(header);
    tar.write(content, 0, content.length);
  }

  /** Ends the tar and the gzip stream and commits the blob. */
  public Layer finish() throws IOException {
    tar.close();
    gzip.finish();
    Descriptor d = blob.commit(MediaType.OCI_LAYER_GZIP);
    done = true;
    return new Layer(Digest.sha256(diffId.digest()), d, tarBytes.count());
  }

  /** Discards the layer if it was not finished. */
  @Override
  public void close() throws IOException {
    if (!done) {
      blob.close();
    }
  }

  /** Lets the tar writer's stream be closed without ending the gzip member. */
  private static final class NonClosing extends OutputStream {
    private final OutputStream out;

    NonClosing(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() {}
  }
}
