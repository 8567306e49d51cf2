package dev.apkofarm.worker.testing;

import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.engine.CoordinatorEngine;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.scheduler.ImageLock;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.oci.Platform;
import dev.apkofarm.proto.v1.BuildParameters;
import dev.apkofarm.proto.v1.ImageConfig;
import dev.apkofarm.proto.v1.KeyValue;
import dev.apkofarm.proto.v1.LockedArch;
import dev.apkofarm.worker.pipeline.AssignedTask;
import dev.apkofarm.worker.pipeline.BuildStage;
import dev.apkofarm.worker.pipeline.BuiltTask;
import dev.apkofarm.worker.pipeline.ProgressSink;
import dev.apkofarm.worker.pipeline.TaskExecutor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Stand-in engines for tests of the farm's plumbing, injected through the same constructor parameters as the real
 * ones (never on the default path). A "config" says {@code archs: a,b} (and {@code hold-until: PATH}), possibly as
 * YAML comments ({@code # archs: ...}) so it is also a valid apko config. The lock step makes real task messages
 * whose config carries the text as an annotation; a build writes small deterministic blobs derived from it.
 *
 * <p>{@code hold-until: PATH} stands for a long build without making the test depend on how long: the build waits
 * until the file PATH exists (the test creates it once it has seen what it waits for; a file is what reaches worker
 * processes) or until it is cancelled (interrupted), however long either takes.
 */
public final class FakeEngines {
  /** Holds a build until a file exists: {@code hold-until: PATH} in a config. */
  public static final String HOLD_UNTIL = "hold-until: ";
  private static final String TEXT = "dev.apkofarm.fake/config";

  private FakeEngines() {}

  /** Lock and index. */
  public static final class Coordinator implements CoordinatorEngine {
    private final BlobStore store;

    public Coordinator(CoordinatorEngine.Context context) {
      this.store = context.store();
    }

    @Override
    public void validate(ImageSource source) throws BadInputException {
      if (new String(source.configYaml(), StandardCharsets.UTF_8).contains("invalid")) {
        throw new BadInputException(source.fileName() + ":1:1: invalid: unknown field");
      }
    }

    @Override
    public ImageLock lock(ImageSource source, List<Arch> override, BuildSettings settings) {
      String text = new String(source.configYaml(), StandardCharsets.UTF_8);
      String line = directives(text).filter(l -> l.startsWith("archs: ")).findFirst().orElse("archs: amd64");
      List<Arch> archs = override.isEmpty() ? Arch.parseAll(List.of(line.substring(7).split(","))) : override;
      Map<Arch, ImageLock.ArchTask> per = new LinkedHashMap<>();
      for (Arch a : archs) {
        LockedArch task = LockedArch.newBuilder().setVersion(1).setImage(source.name()).setArch(a.ociName())
            .setConfig(ImageConfig.newBuilder().addAnnotations(KeyValue.newBuilder().setKey(TEXT).setValue(text)))
            .setBuild(BuildParameters.newBuilder().setReference(source.name() + ":latest")
                .setPushRepository(settings.pushRepository(source.name()).map(Object::toString).orElse("")))
            .build();
        byte[] bytes = task.toByteArray();
        per.put(a, new ImageLock.ArchTask(bytes, Digest.of(bytes).toString()));
      }
      return new ImageLock(per, 2);
    }

    @Override
    public BlobRef assemble(String image, List<BuildResult> perArch, byte[] lockedArch, BuildSettings settings)
        throws IOException {
      String manifests = perArch.stream()
          .map(r -> "{\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"digest\":\"" + r.manifest().digest()
              + "\",\"size\":" + r.manifest().size() + ",\"platform\":\"" + r.manifest().platform() + "\"}")
          .collect(Collectors.joining(","));
      byte[] json = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"manifests\":["
          + manifests + "]}").getBytes(StandardCharsets.UTF_8);
      String d = Digest.of(json).toString();
      store.put(d, json.length, new ByteArrayInputStream(json));
      return BlobRef.of(MediaType.OCI_INDEX, d, json.length);
    }
  }

  /** The per-arch build. Counts its builds, so a test can tell a build from a reuse. */
  public static final class Worker implements TaskExecutor {
    /** Builds started by every fake worker of this JVM. */
    public static final AtomicInteger BUILDS = new AtomicInteger();
    private final Path workDir;

    public Worker(TaskExecutor.Context context) {
      this.workDir = context.workDir();
    }

    @Override
    public BuiltTask execute(AssignedTask task, ProgressSink progress) throws Exception {
      BUILDS.incrementAndGet();
      progress.progress(BuildStage.FETCH, 0, 2, "");
      String text = task.locked().getConfig().getAnnotationsList().stream().filter(kv -> kv.getKey().equals(TEXT))
          .map(KeyValue::getValue).findFirst().orElse("") + "\n" + task.locked().getArch();
      Optional<Path> gate = directives(text).filter(l -> l.startsWith(HOLD_UNTIL))
          .map(l -> Path.of(l.substring(HOLD_UNTIL.length()).trim())).findFirst();
      if (gate.isPresent()) {
        awaitFile(gate.get());
      }
      progress.progress(BuildStage.FETCH, 2, 2, "");
      Arch arch = Arch.parse(task.locked().getArch()).orElseThrow();
      Files.createDirectories(workDir);
      Map<String, Path> files = new LinkedHashMap<>();
      Descriptor layer = write(files, MediaType.OCI_LAYER_GZIP, "layer:" + text);
      Descriptor config = write(files, MediaType.OCI_CONFIG, "config:" + arch);
      Descriptor manifest = write(files, MediaType.OCI_MANIFEST, "manifest:" + config.digest() + ":" + layer.digest())
          .withPlatform(Platform.of(arch));
      BuiltArch built = new BuiltArch(arch, manifest, config, List.of(new Layer(layer.digest(), layer, layer.size())),
          Instant.EPOCH, Optional.empty(), List.of());
      return new BuiltTask(built, files, Map.of(BuildStage.LAYER, 1000L), 2, 0);
    }

    private Descriptor write(Map<String, Path> files, String type, String content) throws IOException {
      byte[] b = content.getBytes(StandardCharsets.UTF_8);
      Digest d = Digest.of(b);
      Path f = workDir.resolve(d.hex());
      Files.write(f, b);
      files.put(d.toString(), f);
      return Descriptor.of(type, d, b.length);
    }

    /** Returns once {@code file} exists; throws when the build is cancelled (its thread interrupted) before. */
    private static void awaitFile(Path file) throws InterruptedException {
      while (!Files.exists(file)) {
        LockSupport.parkNanos(20_000_000L); // a check every 20 ms: waits for the file, never for a time
        if (Thread.interrupted()) {
          throw new InterruptedException("cancelled while held until " + file + " exists");
        }
      }
    }
  }

  /** {@code apko-coordinator} on the fake engine: a daemon process for tests. */
  public static final class CoordinatorMain {
    private CoordinatorMain() {}

    public static void main(String[] args) {
      System.exit(dev.apkofarm.coordinator.Main.run(args, Coordinator::new));
    }
  }

  /** {@code apko-worker} on the fake engine: a daemon process for tests. */
  public static final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) {
      System.exit(dev.apkofarm.worker.Main.run(args, Worker::new));
    }
  }

  private static java.util.stream.Stream<String> directives(String text) {
    return text.lines().map(l -> l.startsWith("# ") ? l.substring(2) : l);
  }
}
