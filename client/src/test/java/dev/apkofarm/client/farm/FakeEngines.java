package dev.apkofarm.client.farm;

import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.engine.CoordinatorEngine;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.scheduler.IndexStep;
import dev.apkofarm.coordinator.scheduler.LockStep;
import dev.apkofarm.coordinator.scheduler.LockedImage;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.oci.Platform;
import dev.apkofarm.worker.pipeline.BuildStage;
import dev.apkofarm.worker.pipeline.BuiltTask;
import dev.apkofarm.worker.pipeline.TaskExecutor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Stand-in engines for farm plumbing tests (selected through system properties, never on the default path): a
 * config says {@code archs: a,b} (and {@code hold-until: PATH}), possibly as YAML comments ({@code # archs: ...}) so
 * it is also a valid apko config; a build writes small deterministic blobs derived from the locked config.
 *
 * <p>{@code hold-until: PATH} stands for a long build without making the test depend on how long: the build waits
 * until the file PATH exists (the test creates it once it has seen what it waits for; a file is what reaches worker
 * processes) or until it is cancelled (interrupted), however long either takes.
 */
public final class FakeEngines {
  private FakeEngines() {}

  /** Selects the fakes for farms started in this JVM. */
  public static void install() {
    System.setProperty(CoordinatorEngine.PROPERTY, Coordinator.class.getName());
    System.setProperty(TaskExecutor.PROPERTY, Worker.class.getName());
  }

  /** Back to the real engine. */
  public static void uninstall() {
    System.clearProperty(CoordinatorEngine.PROPERTY);
    System.clearProperty(TaskExecutor.PROPERTY);
  }

  /** Lock and index. */
  public static final class Coordinator implements CoordinatorEngine.Factory {
    @Override
    public CoordinatorEngine create(CoordinatorEngine.Context context) {
      BlobStore store = context.store();
      return new CoordinatorEngine() {
        @Override
        public LockStep lockStep() {
          return new LockStep() {
            @Override
            public void validate(ImageSource source) throws BadInputException {
              if (new String(source.configYaml(), StandardCharsets.UTF_8).contains("invalid")) {
                throw new BadInputException(source.fileName() + ":1:1: invalid: unknown field");
              }
            }

            @Override
            public LockedImage lock(ImageSource source, List<Arch> override, BuildSettings settings) {
              String text = new String(source.configYaml(), StandardCharsets.UTF_8);
              String line = text.lines().map(l -> l.startsWith("# ") ? l.substring(2) : l)
                  .filter(l -> l.startsWith("archs: ")).findFirst().orElse("archs: amd64");
              List<Arch> archs = override.isEmpty() ? Arch.parseAll(List.of(line.substring(7).split(","))) : override;
              Map<Arch, byte[]> per = new LinkedHashMap<>();
              archs.forEach(a -> per.put(a, (text + "\n" + a).getBytes(StandardCharsets.UTF_8)));
              return new LockedImage(per, 2);
            }
          };
        }

        @Override
        public IndexStep indexStep() {
          return (String image, List<BuildResult> perArch, byte[] lockedConfig, BuildSettings settings) -> {
            String manifests = perArch.stream()
                .map(r -> "{\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"digest\":\"" + r.manifest().digest()
                    + "\",\"size\":" + r.manifest().size() + ",\"platform\":\"" + r.manifest().platform() + "\"}")
                .collect(Collectors.joining(","));
            byte[] json = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"manifests\":["
                + manifests + "]}").getBytes(StandardCharsets.UTF_8);
            String d = Digest.of(json).toString();
            store.put(d, json.length, new ByteArrayInputStream(json));
            return BlobRef.of(MediaType.OCI_INDEX, d, json.length);
          };
        }
      };
    }
  }

  /** Holds a build until a file exists: {@code hold-until: PATH} in a config. */
  static final String HOLD_UNTIL = "hold-until: ";

  /** The per-arch build. */
  public static final class Worker implements TaskExecutor.Factory {
    @Override
    public TaskExecutor create(BlobCache cache, Path workDir) {
      return (task, progress) -> {
        progress.progress(BuildStage.FETCH, 0, 2, "");
        String text = new String(task.lockedConfig(), StandardCharsets.UTF_8);
        var gate = text.lines().map(l -> l.startsWith("# ") ? l.substring(2) : l)
            .filter(l -> l.startsWith(HOLD_UNTIL)).map(l -> Path.of(l.substring(HOLD_UNTIL.length()).trim())).findFirst();
        if (gate.isPresent()) {
          awaitFile(gate.get());
        }
        progress.progress(BuildStage.FETCH, 2, 2, "");
        Map<String, Path> files = new LinkedHashMap<>();
        Descriptor layer = write(workDir, files, MediaType.OCI_LAYER_GZIP, "layer:" + text);
        Descriptor config = write(workDir, files, MediaType.OCI_CONFIG, "config:" + task.arch());
        Descriptor manifest = write(workDir, files, MediaType.OCI_MANIFEST,
            "manifest:" + config.digest() + ":" + layer.digest()).withPlatform(Platform.of(task.arch()));
        return new BuiltTask(manifest, config, List.of(layer), List.of(), files, Map.of(BuildStage.LAYER, 1000L), 2, 0, new byte[0]);
      };
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

    private static Descriptor write(Path dir, Map<String, Path> files, String type, String content) throws IOException {
      byte[] b = content.getBytes(StandardCharsets.UTF_8);
      Digest d = Digest.of(b);
      Path f = dir.resolve(d.hex());
      Files.write(f, b);
      files.put(d.toString(), f);
      return Descriptor.of(type, d, b.length);
    }
  }
}
