package dev.apkofarm.coordinator.hazelcast;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.Stage;
import java.util.List;

/**
 * Job events in one Compact schema: the variant's name and the union of the variants' fields (absent ones null or
 * zero), so every event of every kind shares one schema and needs no nested type.
 */
final class EventSerializer implements CompactSerializer<JobEvent> {
  @Override
  public JobEvent read(CompactReader r) {
    return new JobEvent(r.readString("jobId"), r.readInt64("seq"), r.readInt64("atMillis"), kind(r));
  }

  private static JobEvent.Kind kind(CompactReader r) {
    String image = r.readString("image");
    String arch = r.readString("arch");
    String reason = r.readString("reason");
    List<String> names = Fields.readList(r, "names");
    BlobRef blob = r.readCompact("blob");
    String kind = r.readString("kind");
    return switch (kind) {
      case "JobQueued" -> new JobEvent.JobQueued(names);
      case "ImageLocked" -> new JobEvent.ImageLocked(image, names, r.readInt32("count"));
      case "TaskClaimed" -> new JobEvent.TaskClaimed(image, arch, r.readString("worker"), r.readInt32("attempt"));
      case "TaskProgress" -> new JobEvent.TaskProgress(image, arch, Stage.valueOf(r.readString("stage")),
          r.readInt64("done"), r.readInt64("total"), r.readString("detail"));
      case "TaskRequeued" -> new JobEvent.TaskRequeued(image, arch, reason, r.readInt32("attempt"));
      case "TaskDeduplicated" -> new JobEvent.TaskDeduplicated(image, arch, r.readString("detail"));
      case "TaskDone" -> new JobEvent.TaskDone(image, arch, blob, r.readString("worker"));
      case "TaskPushed" -> new JobEvent.TaskPushed(image, arch, r.readString("target"), blob);
      case "ImagePushed" -> new JobEvent.ImagePushed(image, r.readString("target"), blob, r.readString("detail"));
      case "ImageUnchanged" -> new JobEvent.ImageUnchanged(image, r.readString("target"), blob);
      case "ImageDone" -> new JobEvent.ImageDone(image, blob);
      case "ImageFailed" -> new JobEvent.ImageFailed(image, reason);
      case "JobDone" -> new JobEvent.JobDone();
      case "JobFailed" -> new JobEvent.JobFailed(reason);
      default -> throw new IllegalStateException("unknown job event kind \"" + kind + "\" in the cluster state");
    };
  }

  @Override
  public void write(CompactWriter w, JobEvent e) {
    w.writeString("jobId", e.jobId());
    w.writeInt64("seq", e.seq());
    w.writeInt64("atMillis", e.atMillis());
    Union u = new Union();
    u.kind = e.kind().getClass().getSimpleName();
    JobEvent.Kind kind = e.kind();
    if (kind instanceof JobEvent.JobQueued k) {
      u.names = k.images();
    } else if (kind instanceof JobEvent.ImageLocked k) {
      u.image = k.image();
      u.names = k.archs();
      u.count = k.packages();
    } else if (kind instanceof JobEvent.TaskClaimed k) {
      u.image = k.image();
      u.arch = k.arch();
      u.worker = k.worker();
      u.attempt = k.attempt();
    } else if (kind instanceof JobEvent.TaskProgress k) {
      u.image = k.image();
      u.arch = k.arch();
      u.stage = k.stage().name();
      u.done = k.done();
      u.total = k.total();
      u.detail = k.detail();
    } else if (kind instanceof JobEvent.TaskRequeued k) {
      u.image = k.image();
      u.arch = k.arch();
      u.reason = k.reason();
      u.attempt = k.attempt();
    } else if (kind instanceof JobEvent.TaskDeduplicated k) {
      u.image = k.image();
      u.arch = k.arch();
      u.detail = k.source();
    } else if (kind instanceof JobEvent.TaskDone k) {
      u.image = k.image();
      u.arch = k.arch();
      u.blob = k.manifest();
      u.worker = k.worker();
    } else if (kind instanceof JobEvent.TaskPushed k) {
      u.image = k.image();
      u.arch = k.arch();
      u.target = k.repository();
      u.blob = k.manifest();
    } else if (kind instanceof JobEvent.ImagePushed k) {
      u.image = k.image();
      u.target = k.reference();
      u.blob = k.index();
      u.detail = k.summary();
    } else if (kind instanceof JobEvent.ImageUnchanged k) {
      u.image = k.image();
      u.target = k.reference();
      u.blob = k.index();
    } else if (kind instanceof JobEvent.ImageDone k) {
      u.image = k.image();
      u.blob = k.index();
    } else if (kind instanceof JobEvent.ImageFailed k) {
      u.image = k.image();
      u.reason = k.reason();
    } else if (kind instanceof JobEvent.JobFailed k) {
      u.reason = k.reason();
    } else if (!(kind instanceof JobEvent.JobDone)) {
      throw new IllegalArgumentException("no Compact form for job event " + kind.getClass().getName());
    }
    w.writeString("kind", u.kind);
    w.writeString("image", u.image);
    w.writeString("arch", u.arch);
    w.writeString("worker", u.worker);
    w.writeString("reason", u.reason);
    w.writeString("stage", u.stage);
    w.writeString("detail", u.detail);
    w.writeString("target", u.target);
    w.writeInt32("attempt", u.attempt);
    w.writeInt32("count", u.count);
    w.writeInt64("done", u.done);
    w.writeInt64("total", u.total);
    Fields.writeList(w, "names", u.names);
    w.writeCompact("blob", u.blob);
  }

  /** The fields of every variant; one event fills a few. */
  private static final class Union {
    String kind;
    String image;
    String arch;
    String worker;
    String reason;
    String stage;
    String detail;
    String target;
    int attempt;
    int count;
    long done;
    long total;
    List<String> names = List.of();
    BlobRef blob;
  }

  @Override
  public String getTypeName() {
    return "apkofarm.JobEvent";
  }

  @Override
  public Class<JobEvent> getCompactClass() {
    return JobEvent.class;
  }
}
