package dev.apkofarm.coordinator.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A job as the cluster state stores it: what was submitted, and where each image is.
 *
 * @param id the job id
 * @param status the job's state
 * @param images one per submitted config, in submission order
 * @param archOverride the {@code --arch} override (OCI names), empty = each config's own archs
 * @param settings options and output
 * @param submittedAtMillis when it was accepted
 * @param finishedAtMillis when it reached a terminal state, 0 before
 * @param label free-form, shown by status and list
 * @param lastSeq the seq of the job's newest event
 * @param failure why the job failed or was cancelled, or null
 */
public record JobRecord(
    String id,
    JobStatus status,
    List<ImageRecord> images,
    List<String> archOverride,
    BuildSettings settings,
    long submittedAtMillis,
    long finishedAtMillis,
    String label,
    long lastSeq,
    String failure)
    implements Serializable {
  public JobRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(settings, "settings");
    images = List.copyOf(images);
    archOverride = List.copyOf(archOverride);
    label = label == null ? "" : label;
  }

  public Optional<ImageRecord> image(String name) {
    return images.stream().filter(i -> i.source().name().equals(name)).findFirst();
  }

  public JobRecord withStatus(JobStatus s, long finishedAt, String why) {
    return new JobRecord(id, s, images, archOverride, settings, submittedAtMillis, finishedAt, label, lastSeq, why);
  }

  public JobRecord withLastSeq(long seq) {
    return new JobRecord(id, status, images, archOverride, settings, submittedAtMillis, finishedAtMillis, label, seq, failure);
  }

  /** This job with image {@code name} replaced by {@code change} applied to it. */
  public JobRecord withImage(String name, UnaryOperator<ImageRecord> change) {
    List<ImageRecord> out = new ArrayList<>(images.size());
    boolean found = false;
    for (ImageRecord i : images) {
      if (i.source().name().equals(name)) {
        out.add(change.apply(i));
        found = true;
      } else {
        out.add(i);
      }
    }
    if (!found) {
      throw new IllegalArgumentException("job " + id + " has no image " + name);
    }
    return new JobRecord(id, status, out, archOverride, settings, submittedAtMillis, finishedAtMillis, label, lastSeq, failure);
  }
}
