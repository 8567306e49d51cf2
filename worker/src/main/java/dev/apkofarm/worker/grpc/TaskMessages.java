package dev.apkofarm.worker.grpc;

import dev.apkofarm.cluster.contract.BuiltArchMessages;
import dev.apkofarm.cluster.contract.MapEntries;
import dev.apkofarm.proto.v1.BuildTask;
import dev.apkofarm.proto.v1.Draining;
import dev.apkofarm.proto.v1.TaskFailure;
import dev.apkofarm.proto.v1.TaskRef;
import dev.apkofarm.proto.v1.TaskResult;
import dev.apkofarm.proto.v1.WorkerMessage;
import dev.apkofarm.proto.v1.WorkerProgress;
import dev.apkofarm.worker.pipeline.AssignedTask;
import dev.apkofarm.worker.pipeline.BuildStage;
import dev.apkofarm.worker.pipeline.BuiltTask;
import dev.apkofarm.worker.pipeline.TaskId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The worker's side of the wire: assignments in, progress, results, failures and drains out, in one place. */
final class TaskMessages {
  private TaskMessages() {}

  static TaskId ref(TaskRef r) {
    return new TaskId(r.getTaskId(), r.getAttempt());
  }

  static TaskRef ref(TaskId r) {
    return TaskRef.newBuilder().setTaskId(r.taskId()).setAttempt(r.attempt()).build();
  }

  /** @throws IllegalArgumentException when the assignment lacks its task */
  static AssignedTask task(BuildTask t) {
    if (!t.hasLocked()) {
      throw new IllegalArgumentException("assignment of " + t.getRef().getTaskId() + " carries no task");
    }
    return new AssignedTask(ref(t.getRef()), t.getJobId(), t.getLocked(), t.getBuildKey());
  }

  static WorkerMessage progress(TaskId ref, BuildStage stage, long done, long total, String detail) {
    return WorkerMessage.newBuilder().setProgress(WorkerProgress.newBuilder().setTask(ref(ref))
        .setStage(dev.apkofarm.proto.v1.Stage.valueOf("STAGE_" + stage.name())).setDone(done).setTotal(total)
        .setDetail(detail)).build();
  }

  static WorkerMessage result(TaskId ref, BuiltTask built) {
    TaskResult.Builder r = TaskResult.newBuilder().setTask(ref(ref))
        .setBuilt(BuiltArchMessages.toMessage(built.built()))
        .setPackagesFetched(built.packagesFetched()).setPackagesCached(built.packagesCached());
    Map<String, Long> nanos = new TreeMap<>();
    built.stageNanos().forEach((s, n) -> nanos.put(s.name().toLowerCase(Locale.ROOT), n));
    r.addAllStageNanos(MapEntries.toInt64Entries(nanos));
    return WorkerMessage.newBuilder().setResult(r).build();
  }

  static WorkerMessage failure(TaskId ref, String reason, boolean permanent) {
    return WorkerMessage.newBuilder().setFailure(TaskFailure.newBuilder().setTask(ref(ref)).setReason(reason)
        .setPermanent(permanent)).build();
  }

  static WorkerMessage draining(List<TaskId> handedBack) {
    Draining.Builder d = Draining.newBuilder();
    handedBack.forEach(r -> d.addHandedBack(ref(r)));
    return WorkerMessage.newBuilder().setDraining(d).build();
  }
}
