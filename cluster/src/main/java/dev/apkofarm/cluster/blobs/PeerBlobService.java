package dev.apkofarm.cluster.blobs;

import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.cache.LocalBlob;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.proto.v1.BlobServiceGrpc;
import dev.apkofarm.proto.v1.DownloadChunk;
import dev.apkofarm.proto.v1.DownloadRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read-only {@code BlobService} a worker serves its peers: {@code Download}, by digest and from an offset, of the
 * files this worker offered to the farm's cache ({@link #share}), and nothing else. No path from a request is ever
 * opened, and {@code Upload} and {@code FindMissing} stay unimplemented. What it sends is checked by the reader
 * against the digest it was promised, so a peer's disk is never trusted.
 */
public final class PeerBlobService extends BlobServiceGrpc.BlobServiceImplBase {
  private final Map<Digest, LocalBlob> shared = new ConcurrentHashMap<>();

  /**
   * How members serve and reach peer blob services, given a daemon's own transport settings: as the cache cluster's
   * members reach each other (Hazelcast's own traffic is plaintext too), so plaintext off loopback is allowed, but
   * with the farm's token, and over TLS when the daemon has a certificate of its own (every worker then needs one,
   * and {@code --tls-ca} to check the others'). Whatever arrives is checked against its digest by the reader.
   */
  public static Transport.Security security(Transport.Security daemon) {
    boolean certificate = daemon.tls().isPresent() && daemon.tls().get().certChain() != null;
    return new Transport.Security(certificate ? daemon.tls() : Optional.empty(), true, daemon.token());
  }
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong downloads = new AtomicLong();

  /** Serves {@code blob} from now on (its file must stay where it is). */
  public void share(LocalBlob blob) {
    shared.put(blob.sha256(), blob);
  }

  /** Whether {@code digest} is served. */
  public boolean shares(Digest digest) {
    return shared.containsKey(digest);
  }

  /** Bytes sent to peers so far. */
  public long bytesSent() {
    return bytesSent.get();
  }

  /** Registers {@code apkofarm_peer_blobs_sent_bytes_total} and {@code apkofarm_peer_blobs_downloads_total}. */
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("apkofarm.peer.blobs.sent.bytes", bytesSent, AtomicLong::get)
        .description("Bytes of cached blobs sent to other workers").register(registry);
    FunctionCounter.builder("apkofarm.peer.blobs.downloads", downloads, AtomicLong::get)
        .description("Downloads of cached blobs by other workers").register(registry);
  }

  @Override
  public void download(DownloadRequest request, StreamObserver<DownloadChunk> plain) {
    ServerCallStreamObserver<DownloadChunk> out = (ServerCallStreamObserver<DownloadChunk>) plain;
    Digest digest;
    try {
      digest = Digest.parse(request.getDigest());
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    LocalBlob blob = shared.get(digest);
    if (blob == null) {
      out.onError(Status.NOT_FOUND.withDescription("this worker does not share " + digest).asRuntimeException());
      return;
    }
    if (request.getOffset() < 0 || request.getOffset() > blob.size()) {
      out.onError(Status.OUT_OF_RANGE.withDescription("offset " + request.getOffset() + " is outside " + digest
          + " (" + blob.size() + " bytes)").asRuntimeException());
      return;
    }
    FileChannel file;
    try {
      file = FileChannel.open(blob.file(), StandardOpenOption.READ);
      if (file.size() != blob.size()) {
        file.close();
        throw new NoSuchFileException(blob.file().toString(), null, "changed size");
      }
    } catch (IOException e) {
      // Gone from the disk cache (it failed verification here, say): stop offering it.
      shared.remove(digest, blob);
      out.onError(Status.NOT_FOUND.withDescription("this worker no longer has " + digest).asRuntimeException());
      return;
    }
    try {
      downloads.incrementAndGet();
      DownloadPump.start(Channels.newInputStream(file.position(request.getOffset())), request.getOffset(),
          blob.size(), out, bytesSent::addAndGet);
    } catch (IOException e) {
      out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
    }
  }
}
