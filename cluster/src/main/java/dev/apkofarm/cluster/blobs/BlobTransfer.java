package dev.apkofarm.cluster.blobs;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.proto.v1.BlobServiceGrpc;
import dev.apkofarm.proto.v1.FindMissingRequest;
import dev.apkofarm.proto.v1.UploadResponse;
import dev.apkofarm.proto.v1.UploadStatusRequest;
import dev.apkofarm.proto.v1.UploadStatusResponse;
import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The client side of {@code BlobService}: which blobs the coordinator lacks, chunked uploads that respect gRPC flow
 * control (never more than a few chunks in flight), and downloads verified against their digest.
 */
public final class BlobTransfer {
  /**
   * Chunk size of uploads (and of the copies of downloads): a quarter of a MiB keeps each chunk an ordinary young
   * object on a small heap (G1 treats half a region, 512 KiB on a heap under 2 GiB, as humongous), and costs nothing
   * measurable in throughput on loopback.
   */
  public static final int CHUNK = 256 * 1024;

  /**
   * How many bytes a sender lets gRPC hold queued before it waits for the transport (its "on ready" threshold; gRPC's
   * default of 32 KiB is less than one chunk, which made every chunk wait for the one before to be on the wire and
   * halved a transfer's speed on loopback). Memory per transfer stays bounded by it.
   */
  static final int IN_FLIGHT = 4 * 1024 * 1024;

  /** The most uploads that broke off that are remembered for a resumption (the latest ones). */
  private static final int BROKEN_KEPT = 1024;

  private final Channel channel;
  private final Duration patience;
  /**
   * Uploads of a known digest that broke off (the coordinator went away, say), by digest: the resume key under which
   * the coordinator keeps what it received, so that the next upload of the digest goes on from there instead of from
   * byte 0. Shared with the {@link #patient} copies; the oldest go first.
   */
  private final Map<String, String> broken;

  /** Transfers that fail at once when the coordinator is unreachable. */
  public BlobTransfer(Channel channel) {
    this(channel, Duration.ZERO);
  }

  /**
   * @param patience how long an operation waits for an unreachable coordinator (restarting, say) to come back, trying
   *     again whenever the channel is ready: a worker with a finished build keeps it rather than fail the attempt
   */
  public BlobTransfer(Channel channel, Duration patience) {
    this(channel, patience, Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > BROKEN_KEPT;
      }
    }));
  }

  private BlobTransfer(Channel channel, Duration patience, Map<String, String> broken) {
    this.channel = channel;
    this.patience = patience;
    this.broken = broken;
  }

  /** These transfers, each waiting up to {@code patience} for an unreachable coordinator to come back. */
  public BlobTransfer patient(Duration patience) {
    return new BlobTransfer(channel, patience, broken);
  }

  /** A new resume key: random, so no two uploads share the coordinator's temp file. */
  private static String newKey() {
    return UUID.randomUUID().toString();
  }

  /** A new upload call from byte 0, resumable under a key of its own (readers follow it by {@code followKey}). */
  private UploadCall newCall(String what, String followKey) {
    return new UploadCall(channel, what, followKey, newKey(), 0);
  }

  /** Notes that the upload of {@code digest} under {@code resumeKey} broke off: the next upload of it resumes it. */
  void broke(String digest, String resumeKey) {
    if (!resumeKey.isEmpty()) {
      broken.put(digest, resumeKey);
    }
  }

  /** What the coordinator holds of the upload under {@code resumeKey}, and whether it has {@code digest}. */
  private UploadStatusResponse status(String resumeKey, String digest) {
    return BlobServiceGrpc.newBlockingStub(channel)
        .uploadStatus(UploadStatusRequest.newBuilder().setResumeKey(resumeKey).setDigest(digest).build());
  }

  /**
   * Whether {@code e} is a transfer's failure because the coordinator could not be reached or went away mid-call
   * (restarted, say): trying again once it serves may succeed.
   */
  public static boolean unreachable(Throwable e) {
    return unavailable(e);
  }

  /** The digests among {@code digests} the coordinator does not have. */
  public List<String> missing(Collection<String> digests) throws IOException {
    if (digests.isEmpty()) {
      return List.of();
    }
    return patiently("finding missing blobs", () -> BlobServiceGrpc.newBlockingStub(channel)
        .findMissing(FindMissingRequest.newBuilder().addAllDigests(digests).build()).getMissingList());
  }

  /**
   * Uploads {@code file} as {@code digest}, also seeding the package cache under {@code cacheKeys}. When an earlier
   * upload of the digest broke off here, or this one breaks off and the coordinator comes back within the patience,
   * the upload goes on from the byte the coordinator kept (it verifies the whole blob all the same).
   */
  public void upload(String digest, Path file, List<String> cacheKeys) throws IOException {
    long size = Files.size(file);
    String earlier = broken.remove(digest);
    Resumption r = new Resumption(earlier != null ? earlier : newKey(), earlier != null);
    try {
      patiently("upload of " + digest, () -> {
        sendFrom(digest, size, file, cacheKeys, r);
        return null;
      });
    } catch (IOException e) {
      broke(digest, r.key); // an upload of it later (the task's next attempt, say) goes on from here
      throw e;
    }
  }

  /** The resume key of an upload across its attempts, and whether the coordinator may hold some of it. */
  private static final class Resumption {
    String key;
    boolean ask;

    Resumption(String key, boolean ask) {
      this.key = key;
      this.ask = ask;
    }
  }

  /** One attempt of {@link #upload(String, Path, List)}: from the byte the coordinator holds, when it may hold any. */
  private void sendFrom(String digest, long size, Path file, List<String> cacheKeys, Resumption r)
      throws IOException {
    long from = 0;
    if (r.ask) {
      UploadStatusResponse s = status(r.key, digest);
      if (s.getStored()) {
        return; // another upload of it finished meanwhile
      }
      if (s.getCommitted() <= size) {
        from = s.getCommitted();
      } else {
        r.key = newKey(); // more bytes than the blob has: not this blob's upload; start over
      }
    }
    r.ask = true; // whatever this attempt leaves, the next one asks first
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(from);
      UploadCall call = new UploadCall(channel, "upload of " + digest, "", r.key, from);
      send(call, digest, in, Optional.of(new UploadCall.Header(digest, size, cacheKeys)));
    } catch (IOException | StatusRuntimeException e) {
      if (from == 0 || unavailable(e)) {
        throw e;
      }
      // Refused after a resumption: what the coordinator kept was not this blob's bytes (it deleted them), or a sweep
      // took them meanwhile. Once more from byte 0, under a new key.
      r.key = newKey();
      r.ask = false;
      sendFrom(digest, size, file, cacheKeys, r);
    }
  }

  /** A call that may fail because the coordinator is unreachable. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code call}; while it fails with UNAVAILABLE and the patience lasts, waits for the channel to be ready and
   * runs it again (every operation here is idempotent: uploads by digest, reads).
   */
  private <T> T patiently(String what, Call<T> call) throws IOException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        return call.run();
      } catch (StatusRuntimeException | IOException e) {
        if (!unavailable(e) || !(channel instanceof ManagedChannel managed) || !awaitReady(managed, deadline)) {
          if (e instanceof IOException io) {
            throw io;
          }
          throw new IOException(what + " failed: " + describe(e), e);
        }
      }
    }
  }

  private static boolean unavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAVAILABLE) {
        return true;
      }
    }
    return false;
  }

  /** Whether the channel became READY before the deadline (waking up the channel's reconnects meanwhile). */
  static boolean awaitReady(ManagedChannel channel, long deadlineNanos) throws IOException {
    while (true) {
      ConnectivityState state = channel.getState(true);
      if (state == ConnectivityState.READY) {
        return true;
      }
      long left = deadlineNanos - System.nanoTime();
      if (state == ConnectivityState.SHUTDOWN || left <= 0) {
        return false;
      }
      channel.resetConnectBackoff(); // try now, not on the channel's backoff schedule
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      try {
        changed.await(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for the coordinator");
      }
    }
  }

  /** Sends {@code in} in chunks, the header (when given) with the first, and waits for the verdict. */
  private static void send(UploadCall call, String digest, InputStream in, Optional<UploadCall.Header> header)
      throws IOException {
    try {
      long sent = 0;
      while (true) {
        // A new array each time: gRPC may keep a sent message for a transparent retry, so none is reused.
        byte[] buf = new byte[CHUNK];
        int n = in.readNBytes(buf, 0, CHUNK);
        if (n == 0 && sent > 0) {
          break;
        }
        if (!call.send(buf, n, sent == 0 ? header : Optional.empty(), Duration.ofMinutes(10))) {
          break; // the server refused early; finish() says why
        }
        sent += n;
        if (n < CHUNK) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      call.cancel("failed");
      throw e;
    }
    UploadResponse r = call.finish(Duration.ofMinutes(10));
    if (!r.getDigest().equals(digest)) {
      throw new IOException("upload of " + digest + " was confirmed as " + r.getDigest());
    }
  }

  /**
   * Begins uploading {@code size} bytes that must digest to {@code digest}: only the digest and size go out now (the
   * coordinator then lets readers follow the upload as it arrives); {@link Begun#send} sends the bytes. For a client
   * that submits a job naming a large package before its bytes are uploaded.
   */
  public Begun begin(String digest, long size) throws IOException {
    UploadCall call = newCall("upload of " + digest, "");
    try {
      call.send(new byte[0], 0, Optional.of(new UploadCall.Header(digest, size, List.of())), Duration.ofMinutes(1));
    } catch (IOException | RuntimeException e) {
      call.cancel("failed");
      throw e;
    }
    return new Begun(this, call, digest, size);
  }

  /**
   * Uploads {@code file} ({@code size} bytes) while another thread digests it: the bytes go out from the start, the
   * digest and size with the first chunk after {@code digest} completes (or with an empty last chunk), and {@code
   * announced} runs once they went out (from then on the coordinator lets readers follow the upload). Waits for the
   * coordinator's verdict. For a client that would otherwise read a large package once to digest it and only then
   * send it.
   */
  public void upload(Path file, long size, java.util.concurrent.Future<String> digest, Runnable announced)
      throws IOException {
    UploadCall call = newCall("upload of " + file.getFileName(), "");
    String named = null;
    try (InputStream in = Files.newInputStream(file)) {
      long sent = 0;
      while (true) {
        byte[] buf = new byte[CHUNK]; // a new array each time: gRPC may keep a sent message
        int n = in.readNBytes(buf, 0, CHUNK);
        boolean last = n < CHUNK || sent + n == size;
        if (named == null && (digest.isDone() || last)) {
          named = digest.get(); // the last chunk carries the digest: wait for it there
        }
        Optional<UploadCall.Header> header = named != null && !call.announced()
            ? Optional.of(new UploadCall.Header(named, size, List.of())) : Optional.empty();
        if (!call.send(buf, n, header, Duration.ofMinutes(10))) {
          break; // the server refused early; finish() says why
        }
        if (header.isPresent()) {
          announced.run();
        }
        sent += n;
        if (last) {
          break;
        }
      }
    } catch (java.util.concurrent.ExecutionException e) {
      call.cancel("failed");
      throw new IOException("digesting " + file + " failed: " + describe(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      call.cancel("interrupted");
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("upload of " + file + " interrupted");
    } catch (IOException | RuntimeException e) {
      call.cancel("failed");
      brokeOff(digest, call);
      throw e;
    }
    UploadResponse r;
    try {
      r = call.finish(Duration.ofMinutes(10));
    } catch (IOException e) {
      brokeOff(digest, call);
      throw e;
    }
    if (!r.getDigest().equals(named)) {
      throw new IOException("upload of " + file + " was confirmed as " + r.getDigest() + ", not " + named);
    }
  }

  /**
   * Notes an upload that broke off before its digest went out: the digest is being taken on another thread, and once
   * it is known the next upload of the blob can resume this one.
   */
  private void brokeOff(java.util.concurrent.Future<String> digest, UploadCall call) {
    if (!call.started()) {
      return;
    }
    try {
      broke(digest.get(), call.resumeKey());
    } catch (java.util.concurrent.ExecutionException e) {
      // no digest, no resumption: the failure is reported as it is
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An upload whose digest and size the coordinator has, its bytes still to send. */
  public static final class Begun {
    private final BlobTransfer transfer;
    private final UploadCall call;
    private final String digest;
    private final long size;

    private Begun(BlobTransfer transfer, UploadCall call, String digest, long size) {
      this.transfer = transfer;
      this.call = call;
      this.digest = digest;
      this.size = size;
    }

    public String digest() {
      return digest;
    }

    public long size() {
      return size;
    }

    /** Sends the bytes of {@code file} (which must be the blob) and waits for the coordinator's verdict. */
    public void send(Path file) throws IOException {
      try (InputStream in = Files.newInputStream(file)) {
        send(in);
      }
    }

    /** Sends the blob's bytes from {@code in} and waits for the coordinator's verdict. */
    public void send(InputStream in) throws IOException {
      try {
        BlobTransfer.send(call, digest, in, Optional.empty());
      } catch (IOException e) {
        transfer.broke(digest, call.resumeKey()); // the next upload of it goes on from what arrived
        throw e;
      }
    }

    /** Abandons the upload (the coordinator drops what it received; readers following it fail). */
    public void cancel() {
      call.abandon("cancelled");
    }
  }

  /**
   * Starts uploading a blob whose digest and size are known only once it is written (a layer streamed to the
   * coordinator while the worker compresses it): its bytes go out as they are written, and {@link
   * StreamingUpload#finish} announces the digest and waits for the coordinator's verdict. Never patient: a
   * coordinator that is away or slow makes the upload fail, never the writer, and the blob is uploaded later.
   */
  public StreamingUpload stream(String what) {
    return stream(what, "");
  }

  /**
   * As {@link #stream(String)}, and a reader may follow the upload under {@code followKey} as it arrives ({@link
   * #follow}): the client of an {@code --output} job reads a layer while its worker still compresses it.
   */
  public StreamingUpload stream(String what, String followKey) {
    return new StreamingUpload(newCall(what, followKey), this::broke);
  }

  /**
   * The key under which a worker streams the first blob it builds for an attempt of a task (its image's layer) and
   * under which the job's client follows it: both know the job, the image, the arch (OCI name) and the attempt.
   */
  public static String followKey(String jobId, String image, String arch, int attempt) {
    return jobId + "/" + image + "/" + arch + "/" + attempt;
  }

  /**
   * Follows the upload streamed under {@code followKey} (waiting for it to begin), from its first byte as the
   * coordinator receives it: see {@link FollowedUpload}.
   */
  public FollowedUpload follow(String followKey) {
    return new FollowedUpload(channel, followKey);
  }

  /**
   * A blob's bytes as a stream, chunk by chunk as the server sends them (gRPC flow control bounds what is in flight),
   * going on from where it was when the stream breaks off: for a caller that verifies as it copies. Closing it early
   * cancels the download.
   *
   * @throws IOException naming the digest when the server does not have it or cannot be reached
   */
  public InputStream open(String digest) throws IOException {
    return open(digest, 0);
  }

  /** As {@link #open(String)}, from byte {@code offset} of the blob. */
  public InputStream open(String digest, long offset) throws IOException {
    Digest.parse(digest);
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset + " of " + digest);
    }
    return DownloadStream.open(channel, digest, offset, patience);
  }

  /** Downloads a blob into {@code out}, verifying its digest; returns its size. */
  public long download(String digest, OutputStream out) throws IOException {
    return download(digest, 0, Digest.newSha256(), out);
  }

  /**
   * Downloads a blob from byte {@code offset} into {@code out} and verifies the whole of it: {@code sha} has digested
   * the bytes before {@code offset} (what an interrupted download left on disk), and digests the rest here. Returns
   * the blob's size.
   *
   * @throws BlobDigestException when the bytes (those before {@code offset} included) are not the digest's
   * @throws IOException when the server does not have the blob or the download fails
   */
  public long download(String digest, long offset, MessageDigest sha, OutputStream out) throws IOException {
    Digest expected = Digest.parse(digest);
    long n = offset;
    try (DownloadStream in = (DownloadStream) open(digest, offset)) {
      // Each chunk's bytes as gRPC received them, without a copy through a buffer of our own (a 256 KiB array per
      // blob, most blobs being a few KiB).
      ByteOutput sink = new DigestingOutput(sha, out);
      ByteString part;
      while (!(part = in.next()).isEmpty()) {
        UnsafeByteOperations.unsafeWriteTo(part, sink);
        n += part.size();
      }
      if (n != in.size()) {
        throw new IOException("download of " + digest + " gave " + n + " bytes, announced " + in.size());
      }
    }
    Digest actual = Digest.sha256(sha.digest());
    if (!actual.equals(expected)) {
      throw new BlobDigestException("download of " + digest + " has digest " + actual);
    }
    return n;
  }

  static String describe(Throwable t) {
    if (t instanceof StatusRuntimeException s) {
      return s.getStatus().getCode() + (s.getStatus().getDescription() == null ? "" : ": " + s.getStatus().getDescription());
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
