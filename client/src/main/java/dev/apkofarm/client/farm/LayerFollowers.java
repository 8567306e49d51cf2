package dev.apkofarm.client.farm;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.blobs.FollowedUpload;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.proto.v1.JobEvent;
import dev.apkofarm.proto.v1.TaskClaimed;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * For {@code submit --output} against a farm: each task's layer read while its worker still streams it to the
 * coordinator, so a large image's bytes reach this machine during the build rather than after it. As a worker claims
 * a task, a thread follows the first blob that attempt streams ({@link BlobTransfer#followKey}) into the image's
 * staging directory ({@link LayoutWriter#staging}), where it takes its digest as its name once the coordinator
 * has stored it and the bytes received are verified. {@link LayoutWriter} then finds it there and does not download
 * it again. A follow that fails costs nothing but its bytes: the blob is downloaded by digest as before.
 */
public final class LayerFollowers implements AutoCloseable {
  /** How long {@link #settle} waits for a follow that has bytes to end (its upload is stored by then, or soon). */
  private static final Duration SETTLE = Duration.ofMinutes(2);

  private final BlobTransfer blobs;
  private final Path output;
  private final String jobId;
  private final List<Follow> follows = new ArrayList<>();
  /** The latest follow of each task, by image and arch. */
  private final Map<String, Follow> byTask = new HashMap<>();
  private boolean closed;

  private record Follow(FollowedUpload upload, CompletableFuture<Void> done) {}

  /** @param output the {@code --output} directory */
  public LayerFollowers(BlobTransfer blobs, Path output, String jobId) {
    this.blobs = blobs;
    this.output = output;
    this.jobId = jobId;
  }

  /**
   * Starts following the layer of every task a worker claims, and stops a follow that has no bytes once its task is
   * done or requeued: the coordinator serves a follow with a thread while it waits, so no more wait than tasks run.
   */
  public synchronized void on(JobEvent event) {
    if (closed) {
      return;
    }
    switch (event.getKindCase()) {
      case TASK_CLAIMED:
        break;
      case TASK_DONE:
        idle(event.getTaskDone().getImage(), event.getTaskDone().getArch());
        return;
      case TASK_REQUEUED:
        idle(event.getTaskRequeued().getImage(), event.getTaskRequeued().getArch());
        return;
      default:
        return;
    }
    TaskClaimed t = event.getTaskClaimed();
    idle(t.getImage(), t.getArch()); // an earlier attempt's
    String key = BlobTransfer.followKey(jobId, t.getImage(), t.getArch(), t.getAttempt());
    FollowedUpload upload = blobs.follow(key);
    CompletableFuture<Void> done = new CompletableFuture<>();
    Follow follow = new Follow(upload, done);
    follows.add(follow);
    byTask.put(t.getImage() + "/" + t.getArch(), follow);
    Thread thread = new Thread(() -> {
      try {
        copy(upload, t.getImage());
        done.complete(null);
      } catch (IOException | RuntimeException e) {
        done.completeExceptionally(e); // the blob is downloaded by digest after the job instead
      }
    }, "follow-" + t.getImage() + "-" + t.getArch());
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops the task's follow if nothing of its upload came (none began, or it ended before the follow did). */
  private void idle(String image, String arch) {
    Follow f = byTask.get(image + "/" + arch);
    if (f != null && f.upload().received() == 0) {
      f.upload().cancel();
    }
  }

  private void copy(FollowedUpload upload, String image) throws IOException {
    DirectoryBlobStore staging = new DirectoryBlobStore(LayoutWriter.staging(output, image));
    Path tmp = Files.createTempFile(staging.root(), ".follow-", ".part");
    try {
      Digest digest;
      try (OutputStream out = Files.newOutputStream(tmp)) {
        digest = upload.copyTo(out);
      }
      Path target = staging.path(digest);
      Files.createDirectories(target.getParent());
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Once the job has ended: waits for the follows that received bytes (their uploads were stored, so they end now),
   * and stops the others (a task that streamed nothing, or an attempt that never began).
   */
  public synchronized void settle() throws InterruptedException {
    closed = true;
    for (Follow f : follows) {
      if (f.upload().received() == 0) {
        f.upload().cancel();
      }
    }
    for (Follow f : follows) {
      try {
        f.done().get(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // downloaded by digest instead
      } catch (TimeoutException e) {
        f.upload().cancel();
      }
    }
  }

  /** How many blobs were followed to the end (stored under their digest in their image's staging directory). */
  public synchronized int followed() {
    return (int) follows.stream().filter(f -> f.done().isDone() && !f.done().isCompletedExceptionally()).count();
  }

  @Override
  public synchronized void close() {
    closed = true;
    follows.forEach(f -> f.upload().cancel());
  }
}
