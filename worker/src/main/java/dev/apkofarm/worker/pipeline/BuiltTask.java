package dev.apkofarm.worker.pipeline;

import dev.apkofarm.core.oci.Descriptor;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What building a task produced: the per-arch manifest and the blobs it references, each readable from a local file
 * until uploaded.
 *
 * @param manifest the manifest, with its platform
 * @param config the config blob
 * @param layers in manifest order
 * @param extra other blobs the image's output needs
 * @param sbom the arch's SPDX SBOM, when the engine wrote one (not part of an OCI layout; a push attaches it)
 * @param files digest -> local file holding that blob (every descriptor above)
 * @param stageNanos time per stage
 * @param packagesFetched packages that came from a repository
 * @param packagesCached packages a cache served
 * @param engineResult what the coordinator's index step needs about this arch (opaque to the farm)
 */
public record BuiltTask(
    Descriptor manifest,
    Descriptor config,
    List<Descriptor> layers,
    List<Descriptor> extra,
    Optional<Descriptor> sbom,
    Map<String, Path> files,
    Map<BuildStage, Long> stageNanos,
    long packagesFetched,
    long packagesCached,
    byte[] engineResult) {
  public BuiltTask {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    extra = List.copyOf(extra);
    Objects.requireNonNull(sbom, "sbom");
    files = Map.copyOf(files);
    stageNanos = stageNanos.isEmpty() ? Map.of() : new EnumMap<>(stageNanos);
    engineResult = engineResult == null ? new byte[0] : engineResult.clone();
    List<Descriptor> every = all(manifest, config, layers, extra);
    sbom.ifPresent(every::add);
    for (Descriptor d : every) {
      if (!files.containsKey(d.digest().toString())) {
        throw new IllegalArgumentException("built task lacks the file of " + d.digest());
      }
    }
  }

  /** Without an SBOM. */
  public BuiltTask(Descriptor manifest, Descriptor config, List<Descriptor> layers, List<Descriptor> extra,
      Map<String, Path> files, Map<BuildStage, Long> stageNanos, long packagesFetched, long packagesCached,
      byte[] engineResult) {
    this(manifest, config, layers, extra, Optional.empty(), files, stageNanos, packagesFetched, packagesCached,
        engineResult);
  }

  @Override
  public byte[] engineResult() {
    return engineResult.clone();
  }

  private static List<Descriptor> all(Descriptor m, Descriptor c, List<Descriptor> l, List<Descriptor> e) {
    java.util.ArrayList<Descriptor> out = new java.util.ArrayList<>();
    out.add(m);
    out.add(c);
    out.addAll(l);
    out.addAll(e);
    return out;
  }
}
