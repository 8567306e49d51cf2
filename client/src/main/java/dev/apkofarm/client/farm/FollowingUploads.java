package dev.apkofarm.client.farm;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The large packages a submission ships, uploaded after it: the coordinator locks with a repository's index and keys
 * (which go first) and never reads a package, so a package's bytes need not be there before the lock, and a worker
 * streams it from the coordinator's store while it still arrives. Every upload is begun (its digest and size sent)
 * before the submission, so the coordinator knows each is coming; the bytes then go one package after another on a
 * thread of their own while the job locks, is dispatched and builds. An upload that fails fails the packages' readers
 * (the image fails, naming it); the client reports it too.
 */
public final class FollowingUploads implements AutoCloseable {
  /**
   * The smallest package uploaded after the submission: the farm's "large blob" limit (the shared cache's inline
   * limit), below which one more round trip before the lock costs nothing worth overlapping.
   */
  public static final long MIN_SIZE = 1L << 20;

  private final List<Item> items;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile boolean closed;

  private record Item(BlobTransfer.Begun upload, LocalFiles.Shipped file) {}

  private FollowingUploads(List<Item> items) {
    this.items = items;
  }

  /** None. */
  public static FollowingUploads none() {
    FollowingUploads u = new FollowingUploads(List.of());
    u.done.complete(null);
    return u;
  }

  /** Whether {@code f} (a file to ship) may be uploaded after the submission. */
  public static boolean follows(LocalFiles.Shipped f) {
    return f.path().endsWith(".apk") && f.size() >= MIN_SIZE;
  }

  /** Begins the upload of every file in {@code files} (digest and size only); nothing is sent until {@link #start}. */
  public static FollowingUploads begin(BlobTransfer blobs, List<LocalFiles.Shipped> files) throws IOException {
    List<Item> items = new ArrayList<>();
    try {
      for (LocalFiles.Shipped f : files) {
        items.add(new Item(blobs.begin(f.digest(), f.size()), f));
      }
    } catch (IOException | RuntimeException e) {
      items.forEach(i -> i.upload().cancel());
      throw e;
    }
    return new FollowingUploads(items);
  }

  /** Sends the bytes, in the background. */
  public FollowingUploads start() {
    if (items.isEmpty()) {
      done.complete(null);
      return this;
    }
    Thread t = new Thread(() -> {
      try {
        for (Item i : items) {
          if (closed) {
            throw new IOException("upload of " + i.file().path() + " cancelled");
          }
          i.upload().send(i.file().file());
        }
        done.complete(null);
      } catch (IOException | RuntimeException e) {
        items.forEach(i -> i.upload().cancel());
        if (closed) {
          done.complete(null); // cancelled by close(): not a failure
        } else {
          done.completeExceptionally(new IOException("uploading " + describe(e), e));
        }
      }
    }, "upload-packages");
    t.setDaemon(true);
    t.start();
    return this;
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
      items.forEach(i -> i.upload().cancel());
    }
  }
}
