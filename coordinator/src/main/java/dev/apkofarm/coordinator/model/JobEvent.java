package dev.apkofarm.coordinator.model;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Something that happened to a job, numbered: {@code seq} is dense per job from 1, so a watcher that lost its
 * stream re-attaches from the last seq it saw.
 *
 * @param jobId the job
 * @param seq the event's number
 * @param atMillis when it happened
 * @param kind what happened
 */
public record JobEvent(String jobId, long seq, long atMillis, Kind kind) implements Serializable {
  public JobEvent {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(kind, "kind");
    if (seq < 1) {
      throw new IllegalArgumentException("seq starts at 1, got " + seq);
    }
  }

  /** The variants of an event. */
  public sealed interface Kind extends Serializable {}

  public record JobQueued(List<String> images) implements Kind {
    public JobQueued {
      images = List.copyOf(images);
    }
  }

  public record ImageLocked(String image, List<String> archs, int packages) implements Kind {
    public ImageLocked {
      archs = List.copyOf(archs);
    }
  }

  public record TaskClaimed(String image, String arch, String worker, int attempt) implements Kind {}

  public record TaskProgress(String image, String arch, Stage stage, long done, long total, String detail)
      implements Kind {}

  public record TaskRequeued(String image, String arch, String reason, int attempt) implements Kind {}

  /** {@code source} is "result" (a finished identical build was reused) or "in-flight" (follows a running one). */
  public record TaskDeduplicated(String image, String arch, String source) implements Kind {}

  public record TaskDone(String image, String arch, BlobRef manifest, String worker) implements Kind {}

  /** A worker pushed the arch's layers, config and manifest to {@code repository} (registry/repository). */
  public record TaskPushed(String image, String arch, String repository, BlobRef manifest) implements Kind {}

  /** The coordinator pushed the image's referrers, index and then its tag: {@code reference} is repo:tag. */
  public record ImagePushed(String image, String reference, BlobRef index, String summary) implements Kind {}

  /** The registry already had, under the tag, the index these locked inputs build; nothing was built. */
  public record ImageUnchanged(String image, String reference, BlobRef index) implements Kind {}

  public record ImageDone(String image, BlobRef index) implements Kind {}

  public record ImageFailed(String image, String reason) implements Kind {}

  public record JobDone() implements Kind {}

  public record JobFailed(String reason) implements Kind {}

  /** True for the event that ends a job's stream. */
  public boolean terminal() {
    return kind instanceof JobDone || kind instanceof JobFailed;
  }
}
