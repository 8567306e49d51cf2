package dev.apkofarm.client.farm;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The large packages a submission ships, uploaded while the job runs: the coordinator locks with a repository's index
 * and keys (which go first) and never reads a package, and a worker streams a package from the coordinator's store
 * while it still arrives. So a package is not read once to digest it and then again to send it before the
 * submission: one thread digests the packages while another already sends them, and the submission waits only until
 * every package's digest is known and has gone to the coordinator (with the upload under way, or as a begun upload
 * that the sender takes up later). An upload that fails fails the readers of its package (the image fails, naming
 * it); the client reports it too. An upload that breaks off because the coordinator went away (restarted: it lost
 * the bytes it had, and its recovery waits for the package again) is sent again once the coordinator serves, unless
 * it has the package by then, for as long as the job runs.
 */
public final class FollowingUploads implements AutoCloseable {
  /**
   * The smallest package uploaded after the submission: the farm's "large blob" limit (the shared cache's inline
   * limit), below which one more round trip before the lock costs nothing worth overlapping.
   */
  public static final long MIN_SIZE = 1L << 20;

  /**
   * How long one attempt to reach a coordinator that went away waits before it tries again (the attempts go on until
   * the job ends, when {@link #close} stops them).
   */
  private static final java.time.Duration REACH = java.time.Duration.ofMinutes(1);

  private final BlobTransfer blobs;
  private final List<Item> items;
  private volatile Thread sender;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile boolean closed;

  /** One package: digested by one thread, sent by another; whichever comes first tells the coordinator about it. */
  private static final class Item {
    final LocalFiles.Shipped file;
    final CompletableFuture<String> digest = new CompletableFuture<>();
    final CompletableFuture<Void> announced = new CompletableFuture<>();
    /** Set by the digesting thread when the sender had not begun: the sender sends its bytes. */
    BlobTransfer.Begun begun;
    boolean sending;
    /** The coordinator had it already (an earlier submission shipped it): nothing to send. */
    boolean present;

    Item(LocalFiles.Shipped file) {
      this.file = file;
    }
  }

  private FollowingUploads(BlobTransfer blobs, List<LocalFiles.Shipped> files) {
    this.blobs = blobs;
    this.items = files.stream().map(Item::new).toList();
  }

  /** None. */
  public static FollowingUploads none() {
    FollowingUploads u = new FollowingUploads(null, List.of());
    u.done.complete(null);
    return u;
  }

  /** Whether {@code f} (a file to ship) may be uploaded after the submission. */
  public static boolean follows(LocalFiles.Shipped f) {
    return f.path().endsWith(".apk") && f.size() >= MIN_SIZE;
  }

  /** Starts digesting and sending {@code files} (each not digested yet), each on a thread of its own kind. */
  public static FollowingUploads start(BlobTransfer blobs, List<LocalFiles.Shipped> files) {
    FollowingUploads u = new FollowingUploads(blobs, files);
    if (files.isEmpty()) {
      u.done.complete(null);
      return u;
    }
    daemon(u::digestAll, "digest-packages");
    u.sender = daemon(u::sendAll, "upload-packages");
    return u;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Waits until the coordinator knows every package's digest and size (its upload under way or begun): what the
   * submission may then name.
   *
   * @return the digest of each package, by its file
   * @throws IOException when a package could not be digested or its upload could not begin
   */
  public Map<Path, String> awaitAnnounced() throws IOException, InterruptedException {
    Map<Path, String> out = new LinkedHashMap<>();
    for (Item i : items) {
      // Woken by the announcement, or by the uploads' end (a failure, say: then nobody announces it).
      try {
        CompletableFuture.anyOf(i.announced, done).get();
      } catch (ExecutionException e) {
        // the uploads failed: said below
      }
      if (!i.announced.isDone()) {
        throw await().orElseGet(() -> new IOException("uploading " + i.file.path() + " was abandoned"));
      }
      out.put(i.file.file(), i.digest.join());
    }
    return out;
  }

  private void digestAll() {
    for (Item i : items) {
      if (closed || done.isDone()) {
        return;
      }
      try {
        String d = digest(i.file.file());
        try {
          boolean missing = !blobs.missing(List.of(d)).isEmpty();
          synchronized (i) {
            if (!i.sending) {
              if (missing) {
                i.begun = blobs.begin(d, i.file.size()); // the sender takes it up when it gets there
              } else {
                i.present = true;
              }
              i.announced.complete(null);
            }
          }
        } catch (IOException | RuntimeException e) {
          if (!BlobTransfer.unreachable(e)) {
            throw e;
          }
          // The coordinator is away: the sender, when it gets here, sends the package (again, if it must) and
          // announces it once the coordinator serves.
        }
        i.digest.complete(d); // a sender under way announces it with its next chunk
      } catch (IOException | RuntimeException e) {
        i.digest.completeExceptionally(e);
        fail(e);
        return;
      }
    }
  }

  private static String digest(Path file) throws IOException {
    MessageDigest sha = Digest.newSha256();
    byte[] buf = new byte[BlobTransfer.CHUNK];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return Digest.sha256(sha.digest()).toString();
  }

  private void sendAll() {
    try {
      for (Item i : items) {
        if (closed) {
          return;
        }
        BlobTransfer.Begun begun;
        synchronized (i) {
          if (i.present) {
            continue;
          }
          begun = i.begun;
          i.sending = begun == null;
        }
        try {
          if (begun != null) {
            begun.send(i.file.file());
          } else {
            blobs.upload(i.file.file(), i.file.size(), i.digest, () -> i.announced.complete(null));
          }
        } catch (IOException | RuntimeException e) {
          if (closed || !BlobTransfer.unreachable(e)) {
            throw e;
          }
          resend(i);
        }
      }
      done.complete(null);
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  /**
   * The upload of {@code i} broke off because the coordinator went away. Once it serves again: nothing if it has the
   * package (another upload of it finished), else the whole package again (a restarted coordinator kept nothing of a
   * broken upload). Tries until that is done or the job ends.
   */
  private void resend(Item i) throws IOException {
    String d;
    try {
      d = i.digest.get();
    } catch (InterruptedException | java.util.concurrent.CancellationException e) {
      return; // closed: the job ended
    } catch (ExecutionException e) {
      throw new IOException("digesting " + i.file.path() + " failed", e.getCause());
    }
    BlobTransfer patient = blobs.patient(REACH);
    while (!closed) {
      try {
        if (!patient.missing(List.of(d)).isEmpty()) {
          // A submission still waiting for this digest may go now: the coordinator's lock waits for the upload.
          i.announced.complete(null);
          patient.upload(d, i.file.file(), List.of());
        }
        i.announced.complete(null);
        return;
      } catch (IOException | RuntimeException e) {
        if (closed || Thread.currentThread().isInterrupted()) {
          return;
        }
        if (!BlobTransfer.unreachable(e)) {
          throw e;
        }
      }
    }
  }

  private void fail(Exception e) {
    cancelBegun();
    if (closed) {
      done.complete(null); // cancelled by close(): not a failure
    } else {
      done.completeExceptionally(new IOException("uploading " + describe(e), e));
    }
  }

  private void cancelBegun() {
    for (Item i : items) {
      synchronized (i) {
        if (i.begun != null) {
          i.begun.cancel();
        }
      }
    }
  }

  /** Waits for every upload (or, after {@link #close}, for the sender to stop); the failure, if one failed. */
  public Optional<IOException> await() throws InterruptedException {
    try {
      done.get();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of((IOException) e.getCause());
    }
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Abandons the uploads still under way (a job that ended without them: they would serve nobody). */
  @Override
  public void close() {
    closed = true;
    if (!done.isDone()) {
      Thread t = sender;
      if (t != null) {
        t.interrupt(); // stops a wait for the coordinator to come back
      }
      cancelBegun();
      items.forEach(i -> i.digest.cancel(false));
      done.complete(null); // a sender still streaming stops with the process (its thread is a daemon)
    }
  }
}
