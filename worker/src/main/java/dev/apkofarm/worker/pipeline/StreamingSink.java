package dev.apkofarm.worker.pipeline;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.blobs.StreamingUpload;
import dev.apkofarm.core.oci.BlobSink;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's blob directory as a build's sink, with every blob also streamed to the coordinator's store while the
 * build writes it: a layer reaches the coordinator as it is compressed rather than after, and {@link Delivery}, which
 * asks the coordinator what it lacks, has nothing left to send. A blob whose stream failed (the coordinator away,
 * slow or refusing) is still written here in full, and {@link Delivery} uploads it whole.
 */
final class StreamingSink implements BlobSink {
  private static final Logger log = LoggerFactory.getLogger(StreamingSink.class);

  private final DirectoryBlobStore local;
  private final BlobTransfer coordinator;
  private final String task;
  /** The key the first blob (the layer) streams under, for the job's client to follow; null once it is used. */
  private String followKey;

  /**
   * @param task names the task in messages
   * @param followKey the key the first blob created here streams under (see {@link BlobTransfer#followKey})
   */
  StreamingSink(DirectoryBlobStore local, BlobTransfer coordinator, String task, String followKey) {
    this.local = local;
    this.coordinator = coordinator;
    this.task = task;
    this.followKey = followKey;
  }

  @Override
  public Pending create() throws IOException {
    Pending file = local.create();
    String what = "upload of a blob of " + task;
    StreamingUpload upload;
    synchronized (this) {
      upload = followKey == null ? coordinator.stream(what) : coordinator.stream(what, followKey);
      followKey = null;
    }
    OutputStream both = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        file.stream().write(b, off, len);
        upload.write(b, off, len); // never fails the build: a failed stream is uploaded again after it
      }
    };
    return new Pending() {
      @Override
      public OutputStream stream() {
        return both;
      }

      @Override
      public Descriptor commit(String mediaType) throws IOException {
        Descriptor d = file.commit(mediaType);
        if (!upload.finish(d.digest(), d.size())) {
          log.debug("{}: streaming {} to the coordinator failed ({}); it is uploaded after the build", task,
              d.digest(), upload.failure().map(Throwable::getMessage).orElse("?"));
        }
        return d;
      }

      @Override
      public void close() throws IOException {
        try {
          file.close();
        } finally {
          upload.close();
        }
      }
    };
  }
}
