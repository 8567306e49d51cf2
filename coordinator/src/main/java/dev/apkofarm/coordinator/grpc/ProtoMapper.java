package dev.apkofarm.coordinator.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.apkofarm.cluster.contract.BuiltArchMessages;
import dev.apkofarm.cluster.contract.MapEntries;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildResults;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageRecord;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.Stage;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.scheduler.JobRequest;
import dev.apkofarm.coordinator.scheduler.Scheduler;
import dev.apkofarm.coordinator.scheduler.TaskReport;
import dev.apkofarm.coordinator.scheduler.WorkerCommand;
import dev.apkofarm.core.InputText;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.proto.v1.BuildOptions;
import dev.apkofarm.proto.v1.Descriptor;
import dev.apkofarm.proto.v1.ImageState;
import dev.apkofarm.proto.v1.Job;
import dev.apkofarm.proto.v1.JobState;
import dev.apkofarm.proto.v1.LockedArch;
import dev.apkofarm.proto.v1.Platform;
import dev.apkofarm.proto.v1.SubmitRequest;
import dev.apkofarm.proto.v1.TaskState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Translates between the wire contracts and the scheduler's domain, in both directions, in one place. */
final class ProtoMapper {
  private ProtoMapper() {}

  // ------------------------------------------------------------ requests

  static JobRequest jobRequest(SubmitRequest r) {
    List<ImageSource> images = new ArrayList<>();
    for (var i : r.getImagesList()) {
      Map<String, String> files = new TreeMap<>();
      String field = "images[" + images.size() + "] (" + InputText.quote(i.getName()) + ").files";
      MapEntries.fileMap(i.getFilesList(), field).forEach((path, f) -> files.put(path, f.getDigest()));
      images.add(new ImageSource(i.getName(), i.getFileName().isEmpty() ? i.getName() : i.getFileName(),
          i.getConfigYaml().toByteArray(), files));
    }
    List<Arch> archs = r.getArchsList().isEmpty() ? List.of() : Arch.parseAll(r.getArchsList());
    return new JobRequest(images, archs, settings(r.getOptions(), r.getOutput()), r.getLabel());
  }

  static BuildSettings settings(BuildOptions o, dev.apkofarm.proto.v1.Output output) {
    String prefix = output.getPushPrefix();
    if (prefix.isEmpty() && !output.getTag().isEmpty()) {
      throw new IllegalArgumentException("a tag (" + output.getTag() + ") needs a push prefix");
    }
    return new BuildSettings(MapEntries.stringMap(o.getAnnotationsList(), "options.annotations"),
        o.hasSourceDateEpoch() ? o.getSourceDateEpoch() : null, prefix.isEmpty() ? null : prefix,
        output.getTag().isEmpty() ? null : output.getTag());
  }

  // ------------------------------------------------------------ descriptors

  static Descriptor descriptor(BlobRef b) {
    Descriptor.Builder d = Descriptor.newBuilder()
        .setMediaType(b.mediaType()).setDigest(b.digest()).setSize(b.size())
        .addAllAnnotations(MapEntries.toStringEntries(b.annotations()));
    if (b.platform() != null) {
      String[] p = b.platform().split("/", 3);
      d.setPlatform(Platform.newBuilder().setOs(p[0]).setArchitecture(p.length > 1 ? p[1] : "")
          .setVariant(p.length > 2 ? p[2] : ""));
    }
    if (b.artifactType() != null) {
      d.setArtifactType(b.artifactType());
    }
    return d.build();
  }

  static BlobRef blobRef(Descriptor d) {
    String platform = null;
    if (d.hasPlatform()) {
      Platform p = d.getPlatform();
      platform = p.getOs() + "/" + p.getArchitecture() + (p.getVariant().isEmpty() ? "" : "/" + p.getVariant());
    }
    return new BlobRef(d.getMediaType(), d.getDigest(), d.getSize(), platform,
        d.getArtifactType().isEmpty() ? null : d.getArtifactType(),
        MapEntries.stringMap(d.getAnnotationsList(), "descriptor annotations"));
  }

  // ------------------------------------------------------------ jobs

  static Job job(Scheduler.JobView view) {
    JobRecord j = view.job();
    Job.Builder b = Job.newBuilder()
        .setId(j.id()).setState(JobState.valueOf("JOB_" + j.status().name()))
        .setSubmittedAtMillis(j.submittedAtMillis()).setFinishedAtMillis(j.finishedAtMillis())
        .setLabel(j.label()).setLastSeq(j.lastSeq());
    for (ImageRecord i : j.images()) {
      dev.apkofarm.proto.v1.ImageStatus.Builder ib = dev.apkofarm.proto.v1.ImageStatus.newBuilder()
          .setName(i.name()).setState(ImageState.valueOf("IMAGE_" + i.status().name()));
      if (i.failure() != null) {
        ib.setFailure(i.failure());
      }
      if (i.index() != null) {
        ib.setIndex(descriptor(i.index()));
      }
      i.blobs().forEach(x -> ib.addBlobs(descriptor(x)));
      for (TaskRecord t : view.tasks()) {
        if (t.image().equals(i.name())) {
          ib.addTasks(task(t));
        }
      }
      b.addImages(ib);
    }
    return b.build();
  }

  private static dev.apkofarm.proto.v1.TaskStatus task(TaskRecord t) {
    dev.apkofarm.proto.v1.TaskStatus.Builder b = dev.apkofarm.proto.v1.TaskStatus.newBuilder()
        .setArch(t.arch().ociName()).setState(TaskState.valueOf("TASK_" + t.status().name()))
        .setAttempt(t.attempt());
    if (t.worker() != null) {
      b.setWorker(t.worker());
    }
    t.buildResult().ifPresent(r -> b.setManifest(descriptor(r.manifest())));
    if (!t.reasons().isEmpty() && t.status().terminal()) {
      b.setFailure(t.reasons().get(t.reasons().size() - 1));
    }
    return b.build();
  }

  // ------------------------------------------------------------ events

  static dev.apkofarm.proto.v1.JobEvent event(JobEvent e) {
    var b = dev.apkofarm.proto.v1.JobEvent.newBuilder().setJobId(e.jobId()).setSeq(e.seq()).setAtMillis(e.atMillis());
    JobEvent.Kind kind = e.kind();
    if (kind instanceof JobEvent.JobQueued k) {
      b.setQueued(dev.apkofarm.proto.v1.JobQueued.newBuilder().addAllImages(k.images()));
    } else if (kind instanceof JobEvent.ImageLocked k) {
      b.setImageLocked(dev.apkofarm.proto.v1.ImageLocked.newBuilder()
          .setImage(k.image()).addAllArchs(k.archs()).setPackages(k.packages()));
    } else if (kind instanceof JobEvent.TaskClaimed k) {
      b.setTaskClaimed(dev.apkofarm.proto.v1.TaskClaimed.newBuilder()
          .setImage(k.image()).setArch(k.arch()).setWorker(k.worker()).setAttempt(k.attempt()));
    } else if (kind instanceof JobEvent.TaskProgress k) {
      b.setTaskProgress(dev.apkofarm.proto.v1.TaskProgress.newBuilder()
          .setImage(k.image()).setArch(k.arch()).setStage(stage(k.stage())).setDone(k.done()).setTotal(k.total())
          .setDetail(k.detail()));
    } else if (kind instanceof JobEvent.TaskRequeued k) {
      b.setTaskRequeued(dev.apkofarm.proto.v1.TaskRequeued.newBuilder()
          .setImage(k.image()).setArch(k.arch()).setReason(k.reason()).setAttempt(k.attempt()));
    } else if (kind instanceof JobEvent.TaskDeduplicated k) {
      b.setTaskDeduplicated(dev.apkofarm.proto.v1.TaskDeduplicated.newBuilder()
          .setImage(k.image()).setArch(k.arch()).setSource(k.source()));
    } else if (kind instanceof JobEvent.TaskDone k) {
      b.setTaskDone(dev.apkofarm.proto.v1.TaskDone.newBuilder()
          .setImage(k.image()).setArch(k.arch()).setManifest(descriptor(k.manifest())).setWorker(k.worker()));
    } else if (kind instanceof JobEvent.TaskPushed k) {
      b.setTaskPushed(dev.apkofarm.proto.v1.TaskPushed.newBuilder()
          .setImage(k.image()).setArch(k.arch()).setRepository(k.repository()).setManifest(descriptor(k.manifest())));
    } else if (kind instanceof JobEvent.ImagePushed k) {
      b.setImagePushed(dev.apkofarm.proto.v1.ImagePushed.newBuilder()
          .setImage(k.image()).setReference(k.reference()).setIndex(descriptor(k.index())).setSummary(k.summary()));
    } else if (kind instanceof JobEvent.ImageUnchanged k) {
      b.setImageUnchanged(dev.apkofarm.proto.v1.ImageUnchanged.newBuilder()
          .setImage(k.image()).setReference(k.reference()).setIndex(descriptor(k.index())));
    } else if (kind instanceof JobEvent.ImageDone k) {
      b.setImageDone(dev.apkofarm.proto.v1.ImageDone.newBuilder()
          .setImage(k.image()).setIndex(descriptor(k.index())));
    } else if (kind instanceof JobEvent.ImageFailed k) {
      b.setImageFailed(dev.apkofarm.proto.v1.ImageFailed.newBuilder()
          .setImage(k.image()).setReason(k.reason()));
    } else if (kind instanceof JobEvent.JobDone) {
      b.setJobDone(dev.apkofarm.proto.v1.JobDone.getDefaultInstance());
    } else if (kind instanceof JobEvent.JobFailed k) {
      b.setJobFailed(dev.apkofarm.proto.v1.JobFailed.newBuilder().setReason(k.reason()));
    }
    return b.build();
  }

  static dev.apkofarm.proto.v1.Stage stage(Stage s) {
    return dev.apkofarm.proto.v1.Stage.valueOf("STAGE_" + s.name());
  }

  static Stage stage(dev.apkofarm.proto.v1.Stage s) {
    return switch (s) {
      case STAGE_RESOLVE -> Stage.RESOLVE;
      case STAGE_FETCH -> Stage.FETCH;
      case STAGE_INSTALL -> Stage.INSTALL;
      case STAGE_LAYER -> Stage.LAYER;
      case STAGE_PUSH -> Stage.PUSH;
      case STAGE_UPLOAD -> Stage.UPLOAD;
      default -> throw new IllegalArgumentException("unknown stage " + s);
    };
  }

  // ------------------------------------------------------------ workers

  static dev.apkofarm.proto.v1.CoordinatorMessage command(WorkerCommand c) {
    var b = dev.apkofarm.proto.v1.CoordinatorMessage.newBuilder();
    if (c instanceof WorkerCommand.Assign a) {
      TaskRecord t = a.task();
      var task = dev.apkofarm.proto.v1.BuildTask.newBuilder()
          .setRef(dev.apkofarm.proto.v1.TaskRef.newBuilder().setTaskId(t.id()).setAttempt(t.attempt()))
          .setJobId(t.jobId()).setLocked(lockedArch(t)).setBuildKey(t.buildKey());
      b.setAssign(dev.apkofarm.proto.v1.Assign.newBuilder().setTask(task)
          .setLeaseExpiresAtMillis(a.leaseExpiresAtMillis()));
    } else if (c instanceof WorkerCommand.Cancel x) {
      b.setCancel(dev.apkofarm.proto.v1.CancelTask.newBuilder()
          .setTask(dev.apkofarm.proto.v1.TaskRef.newBuilder().setTaskId(x.taskId()).setAttempt(x.attempt()))
          .setReason(x.reason()));
    } else if (c instanceof WorkerCommand.Drain) {
      b.setDrain(dev.apkofarm.proto.v1.Drain.getDefaultInstance());
    } else if (c instanceof WorkerCommand.ComeBackAt x) {
      b.setComeBackAt(dev.apkofarm.proto.v1.ComeBackAt.newBuilder()
          .setAtMillis(x.atMillis()).setReason(x.reason()));
    }
    return b.build();
  }

  /** The task message the engine wrote at lock time (stored serialised with the task). */
  private static LockedArch lockedArch(TaskRecord t) {
    try {
      return LockedArch.parseFrom(t.lockedArch());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("task " + t.id() + " holds an unreadable task message: " + e.getMessage(), e);
    }
  }

  /**
   * A worker's result.
   *
   * @throws IllegalArgumentException naming the problem when the result is malformed
   */
  static TaskReport.Completed completed(dev.apkofarm.proto.v1.TaskResult r, String worker) {
    if (!r.hasBuilt()) {
      throw new IllegalArgumentException("result without a built arch");
    }
    BuildResult result = BuildResults.fromCore(BuiltArchMessages.fromMessage(r.getBuilt()), worker);
    Map<Stage, Long> nanos = new EnumMap<>(Stage.class);
    MapEntries.int64Map(r.getStageNanosList(), "stage_nanos").forEach((k, v) -> {
      try {
        nanos.put(Stage.valueOf(k.toUpperCase(Locale.ROOT)), v);
      } catch (IllegalArgumentException ignored) {
        // a newer worker's stage: not ours to time
      }
    });
    return new TaskReport.Completed(r.getTask().getTaskId(), r.getTask().getAttempt(), result, nanos,
        r.getPackagesFetched(), r.getPackagesCached());
  }
}
