package dev.apkofarm.coordinator.hazelcast;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.ImageRecord;
import dev.apkofarm.coordinator.model.ImageStatus;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.JobStatus;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.model.TaskStatus;
import dev.apkofarm.core.config.Arch;
import java.util.List;

/** Compact serializers of the state's records (job headers, images, tasks) and of the task compare-and-set. */
final class RecordSerializers {
  private RecordSerializers() {}

  static final class ImageRecordSerializer implements CompactSerializer<ImageRecord> {
    @Override
    public ImageRecord read(CompactReader r) {
      return new ImageRecord(r.readCompact("source"), ImageStatus.valueOf(r.readString("status")),
          Fields.readList(r, "archs"), r.readInt32("packages"), r.readCompact("index"),
          ValueSerializers.blobs(r, "blobs"), r.readString("failure"), r.readString("publishKey"));
    }

    @Override
    public void write(CompactWriter w, ImageRecord i) {
      w.writeCompact("source", i.source());
      w.writeString("status", i.status().name());
      Fields.writeList(w, "archs", i.archs());
      w.writeInt32("packages", i.packages());
      w.writeCompact("index", i.index());
      w.writeArrayOfCompact("blobs", i.blobs().toArray(new BlobRef[0]));
      w.writeString("failure", i.failure());
      w.writeString("publishKey", i.publishKey());
    }

    @Override
    public String getTypeName() {
      return "apkofarm.ImageRecord";
    }

    @Override
    public Class<ImageRecord> getCompactClass() {
      return ImageRecord.class;
    }
  }

  /** A job's header: every field of the record but its images, which are stored apart (by name). */
  static final class JobHeaderSerializer implements CompactSerializer<JobStore.JobHeader> {
    @Override
    public JobStore.JobHeader read(CompactReader r) {
      JobRecord bare = new JobRecord(r.readString("id"), JobStatus.valueOf(r.readString("status")), List.of(),
          Fields.readList(r, "archOverride"), r.readCompact("settings"), r.readInt64("submittedAtMillis"),
          r.readInt64("finishedAtMillis"), r.readString("label"), r.readInt64("lastSeq"), r.readString("failure"));
      return new JobStore.JobHeader(bare, Fields.readList(r, "images"));
    }

    @Override
    public void write(CompactWriter w, JobStore.JobHeader h) {
      JobRecord j = h.job();
      w.writeString("id", j.id());
      w.writeString("status", j.status().name());
      Fields.writeList(w, "images", h.images());
      Fields.writeList(w, "archOverride", j.archOverride());
      w.writeCompact("settings", j.settings());
      w.writeInt64("submittedAtMillis", j.submittedAtMillis());
      w.writeInt64("finishedAtMillis", j.finishedAtMillis());
      w.writeString("label", j.label());
      w.writeInt64("lastSeq", j.lastSeq());
      w.writeString("failure", j.failure());
    }

    @Override
    public String getTypeName() {
      return "apkofarm.JobHeader";
    }

    @Override
    public Class<JobStore.JobHeader> getCompactClass() {
      return JobStore.JobHeader.class;
    }
  }

  static final class TaskRecordSerializer implements CompactSerializer<TaskRecord> {
    @Override
    public TaskRecord read(CompactReader r) {
      return new TaskRecord(r.readString("id"), r.readString("jobId"), r.readString("image"),
          Arch.valueOf(r.readString("arch")), r.readString("buildKey"), r.readArrayOfInt8("lockedArch"),
          TaskStatus.valueOf(r.readString("status")), r.readString("worker"), r.readInt64("leaseExpiresAtMillis"),
          r.readInt32("attempt"), Fields.readList(r, "reasons"), r.readInt64("order"), r.readString("follows"),
          r.readCompact("result"), r.readInt64("version"));
    }

    @Override
    public void write(CompactWriter w, TaskRecord t) {
      w.writeString("id", t.id());
      w.writeString("jobId", t.jobId());
      w.writeString("image", t.image());
      w.writeString("arch", t.arch().name());
      w.writeString("buildKey", t.buildKey());
      w.writeArrayOfInt8("lockedArch", t.lockedArch());
      w.writeString("status", t.status().name());
      w.writeString("worker", t.worker());
      w.writeInt64("leaseExpiresAtMillis", t.leaseExpiresAtMillis());
      w.writeInt32("attempt", t.attempt());
      Fields.writeList(w, "reasons", t.reasons());
      w.writeInt64("order", t.order());
      w.writeString("follows", t.follows());
      w.writeCompact("result", t.result());
      w.writeInt64("version", t.version());
    }

    @Override
    public String getTypeName() {
      return "apkofarm.TaskRecord";
    }

    @Override
    public Class<TaskRecord> getCompactClass() {
      return TaskRecord.class;
    }
  }

  static final class CompareVersionAndSetSerializer implements CompactSerializer<CompareVersionAndSet> {
    @Override
    public CompareVersionAndSet read(CompactReader r) {
      return new CompareVersionAndSet(r.readCompact("updated"));
    }

    @Override
    public void write(CompactWriter w, CompareVersionAndSet p) {
      w.writeCompact("updated", p.updated());
    }

    @Override
    public String getTypeName() {
      return "apkofarm.CompareVersionAndSet";
    }

    @Override
    public Class<CompareVersionAndSet> getCompactClass() {
      return CompareVersionAndSet.class;
    }
  }
}
