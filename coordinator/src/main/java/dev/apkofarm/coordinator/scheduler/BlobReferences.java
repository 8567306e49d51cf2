package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.ImageRecord;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.coordinator.state.ClusterState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the cluster state needs of the coordinator's blob store, read from the state itself (so it holds after a
 * restart as it did before): a live job's shipped files and the packages its locked tasks name; every stored job's
 * (live or retained) index, image blobs and task results; the retained build results of their build keys, which
 * de-duplication reuses and the registry front serves. A finished job's inputs are not needed: nothing locks or builds
 * for it again.
 *
 * @param blobs the referenced digests
 * @param resultKeys the build keys whose results the state retains
 * @param liveInputs the shipped files (path -> digest) of every image of a live job: their input trees stay
 */
public record BlobReferences(Set<String> blobs, Set<String> resultKeys, List<Map<String, String>> liveInputs) {
  public BlobReferences {
    blobs = Set.copyOf(blobs);
    resultKeys = Set.copyOf(resultKeys);
    liveInputs = List.copyOf(liveInputs);
  }

  /** Reads them from {@code state}; {@code lock} says which blobs a task's locked arch names. */
  static BlobReferences of(ClusterState state, LockStep lock) {
    Set<String> blobs = new HashSet<>();
    Set<String> keys = new HashSet<>();
    List<Map<String, String>> inputs = new ArrayList<>();
    for (JobRecord job : state.jobs()) {
      boolean live = !job.status().terminal();
      for (ImageRecord i : job.images()) {
        i.indexRef().ifPresent(r -> blobs.add(r.digest()));
        i.blobs().forEach(r -> blobs.add(r.digest()));
        if (live) {
          blobs.addAll(i.source().files().values());
          inputs.add(i.source().files());
        }
      }
      for (TaskRecord t : state.tasksOf(job.id())) {
        if (t.result() != null) {
          add(blobs, t.result());
        }
        if (keys.add(t.buildKey())) {
          state.result(t.buildKey()).ifPresentOrElse(r -> add(blobs, r), () -> keys.remove(t.buildKey()));
        }
        if (live) {
          blobs.addAll(lock.storedBlobs(t.lockedArch()));
        }
      }
    }
    return new BlobReferences(blobs, keys, inputs);
  }

  private static void add(Set<String> blobs, BuildResult r) {
    r.imageBlobs().forEach(b -> blobs.add(b.digest()));
    r.sbomRef().map(BlobRef::digest).ifPresent(blobs::add);
  }
}
