package dev.apkofarm.worker.pipeline;

import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.oci.Descriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What building a task produced: the built arch (what the coordinator is told, once) and a local file for each of
 * its blobs until they are delivered.
 *
 * @param built the arch: manifest (with its platform), config, layers, SBOM, creation time, packages
 * @param files digest -> local file holding that blob (every blob {@code built} names)
 * @param stageNanos time per stage
 * @param packagesFetched packages that came from a repository or the coordinator's store
 * @param packagesCached packages a cache served
 */
public record BuiltTask(
    BuiltArch built,
    Map<String, Path> files,
    Map<BuildStage, Long> stageNanos,
    long packagesFetched,
    long packagesCached) {
  public BuiltTask {
    Objects.requireNonNull(built, "built");
    files = Map.copyOf(files);
    stageNanos = stageNanos.isEmpty() ? Map.of() : new EnumMap<>(stageNanos);
    List<Descriptor> every = new ArrayList<>(built.imageBlobs());
    built.sbom().ifPresent(every::add);
    for (Descriptor d : every) {
      if (!files.containsKey(d.digest().toString())) {
        throw new IllegalArgumentException("built task lacks the file of " + d.digest());
      }
    }
  }

  /** This task with {@code nanos} more spent in {@code stage} (its delivery, timed after the build). */
  public BuiltTask plus(BuildStage stage, long nanos) {
    Map<BuildStage, Long> more = new EnumMap<>(BuildStage.class);
    more.putAll(stageNanos);
    more.merge(stage, nanos, Long::sum);
    return new BuiltTask(built, files, more, packagesFetched, packagesCached);
  }

  public Descriptor manifest() {
    return built.manifest();
  }

  public Path file(Descriptor d) {
    return files.get(d.digest().toString());
  }
}
