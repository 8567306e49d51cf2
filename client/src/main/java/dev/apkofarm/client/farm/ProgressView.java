package dev.apkofarm.client.farm;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.apkofarm.proto.v1.JobEvent;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** How a client shows a job's events: live bars on a terminal, plain lines otherwise, JSON lines with --json. */
public interface ProgressView {
  void event(JobEvent e);

  /** The job ended; leave the screen tidy. */
  default void close() {}

  /** The view for {@code out}: JSON when asked, bars when it is a terminal, plain lines otherwise. */
  static ProgressView of(PrintWriter out, boolean json, boolean tty) {
    if (json) {
      return new Json(out);
    }
    return tty ? new Bars(out) : new Plain(out);
  }

  /** One line per event that matters to a person reading a log. */
  final class Plain implements ProgressView {
    private final PrintWriter out;

    Plain(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void event(JobEvent e) {
      String line = describe(e);
      if (line != null) {
        out.println(line);
        out.flush();
      }
    }
  }

  /** One JSON object per event (protobuf's JSON mapping), for programs. */
  final class Json implements ProgressView {
    private final PrintWriter out;

    Json(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void event(JobEvent e) {
      try {
        out.println(ProtoJson.printCompact(e));
      } catch (InvalidProtocolBufferException x) {
        throw new UncheckedIOException(new java.io.IOException(x));
      }
      out.flush();
    }
  }

  /** A bar per image with the state of each arch, redrawn in place. */
  final class Bars implements ProgressView {
    private final PrintWriter out;
    private final Map<String, Map<String, String>> images = new LinkedHashMap<>();
    private final Map<String, String> imageState = new LinkedHashMap<>();
    private int drawn;
    private long lastDraw;

    Bars(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void event(JobEvent e) {
      switch (e.getKindCase()) {
        case QUEUED -> e.getQueued().getImagesList().forEach(i -> imageState.put(i, "locking"));
        case IMAGE_LOCKED -> {
          imageState.put(e.getImageLocked().getImage(), e.getImageLocked().getPackages() + " packages");
          Map<String, String> archs = images.computeIfAbsent(e.getImageLocked().getImage(), k -> new LinkedHashMap<>());
          e.getImageLocked().getArchsList().forEach(a -> archs.put(a, "queued"));
        }
        case TASK_CLAIMED -> arch(e.getTaskClaimed().getImage(), e.getTaskClaimed().getArch(), "claimed");
        case TASK_PROGRESS -> {
          var p = e.getTaskProgress();
          String stage = p.getStage().name().substring("STAGE_".length()).toLowerCase(Locale.ROOT);
          arch(p.getImage(), p.getArch(), p.getTotal() > 0 ? stage + " " + p.getDone() + "/" + p.getTotal() : stage);
        }
        case TASK_REQUEUED -> arch(e.getTaskRequeued().getImage(), e.getTaskRequeued().getArch(),
            "requeued #" + e.getTaskRequeued().getAttempt());
        case TASK_DEDUPLICATED -> arch(e.getTaskDeduplicated().getImage(), e.getTaskDeduplicated().getArch(),
            "shared");
        case TASK_PUSHED -> arch(e.getTaskPushed().getImage(), e.getTaskPushed().getArch(), "pushed");
        case TASK_DONE -> arch(e.getTaskDone().getImage(), e.getTaskDone().getArch(), "done");
        case IMAGE_UNCHANGED -> imageState.put(e.getImageUnchanged().getImage(),
            "unchanged " + e.getImageUnchanged().getIndex().getDigest());
        case IMAGE_DONE -> imageState.put(e.getImageDone().getImage(), "done " + e.getImageDone().getIndex().getDigest());
        case IMAGE_FAILED -> imageState.put(e.getImageFailed().getImage(), "FAILED: " + e.getImageFailed().getReason());
        default -> { }
      }
      long now = System.nanoTime();
      boolean last = e.hasJobDone() || e.hasJobFailed();
      if (last || now - lastDraw > 100_000_000L) {
        lastDraw = now;
        draw();
      }
      if (e.hasJobFailed()) {
        out.println("job " + e.getJobId() + " failed: " + e.getJobFailed().getReason());
        out.flush();
      }
    }

    private void arch(String image, String arch, String state) {
      images.computeIfAbsent(image, k -> new LinkedHashMap<>()).put(arch, state);
    }

    private void draw() {
      StringBuilder sb = new StringBuilder();
      if (drawn > 0) {
        sb.append("\u001b[").append(drawn).append('F');
      }
      int width = imageState.keySet().stream().mapToInt(String::length).max().orElse(0);
      for (Map.Entry<String, String> img : imageState.entrySet()) {
        Map<String, String> archs = images.getOrDefault(img.getKey(), Map.of());
        long done = archs.values().stream().filter("done"::equals).count();
        int cells = 10;
        int filled = archs.isEmpty() ? 0 : (int) (cells * done / archs.size());
        sb.append("\u001b[2K").append(String.format(Locale.ROOT, "%-" + width + "s", img.getKey())).append(" [")
            .append("#".repeat(filled)).append(".".repeat(cells - filled)).append("] ");
        archs.forEach((a, s) -> sb.append(a).append(": ").append(s).append("  "));
        String state = img.getValue();
        sb.append(state.startsWith("done") || state.startsWith("unchanged") || state.startsWith("FAILED") ? state : "")
            .append('\n');
      }
      drawn = imageState.size();
      out.print(sb);
      out.flush();
    }
  }

  /** A plain-text line for an event, or null for events not worth a line (progress ticks). */
  static String describe(JobEvent e) {
    return switch (e.getKindCase()) {
      case QUEUED -> "job " + e.getJobId() + " queued: " + String.join(", ", e.getQueued().getImagesList());
      case IMAGE_LOCKED -> e.getImageLocked().getImage() + ": locked " + e.getImageLocked().getPackages()
          + " packages for " + String.join(", ", e.getImageLocked().getArchsList());
      case TASK_CLAIMED -> e.getTaskClaimed().getImage() + "/" + e.getTaskClaimed().getArch() + ": building on "
          + e.getTaskClaimed().getWorker() + (e.getTaskClaimed().getAttempt() > 1
              ? " (attempt " + e.getTaskClaimed().getAttempt() + ")" : "");
      case TASK_REQUEUED -> e.getTaskRequeued().getImage() + "/" + e.getTaskRequeued().getArch()
          + ": requeued for attempt " + e.getTaskRequeued().getAttempt() + ": " + e.getTaskRequeued().getReason();
      case TASK_DEDUPLICATED -> e.getTaskDeduplicated().getImage() + "/" + e.getTaskDeduplicated().getArch()
          + ": identical build " + ("result".equals(e.getTaskDeduplicated().getSource()) ? "reused" : "shared");
      case TASK_DONE -> e.getTaskDone().getImage() + "/" + e.getTaskDone().getArch() + ": done "
          + e.getTaskDone().getManifest().getDigest();
      case TASK_PUSHED -> e.getTaskPushed().getImage() + "/" + e.getTaskPushed().getArch() + ": pushed to "
          + e.getTaskPushed().getRepository() + "@" + e.getTaskPushed().getManifest().getDigest();
      case IMAGE_PUSHED -> e.getImagePushed().getImage() + ": pushed " + e.getImagePushed().getReference() + " -> "
          + e.getImagePushed().getIndex().getDigest() + " (" + e.getImagePushed().getSummary() + ")";
      case IMAGE_UNCHANGED -> e.getImageUnchanged().getImage() + ": unchanged: " + e.getImageUnchanged().getReference()
          + " is already " + e.getImageUnchanged().getIndex().getDigest() + ", what these inputs build; nothing built";
      case IMAGE_DONE -> e.getImageDone().getImage() + ": done " + e.getImageDone().getIndex().getDigest();
      case IMAGE_FAILED -> e.getImageFailed().getImage() + ": FAILED: " + e.getImageFailed().getReason();
      case JOB_DONE -> "job " + e.getJobId() + " done";
      case JOB_FAILED -> "job " + e.getJobId() + " failed: " + e.getJobFailed().getReason();
      default -> null;
    };
  }
}
