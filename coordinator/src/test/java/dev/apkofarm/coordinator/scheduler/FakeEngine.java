package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the engine in scheduler unit tests: a "config" is {@code archs: a,b} plus anything; locking
 * records a call; building writes deterministic little blobs derived from the locked config.
 */
final class FakeEngine implements LockStep, IndexStep {
  final AtomicInteger locks = new AtomicInteger();
  /** What the "registry" already has: image name -> index, answered as unchanged by the lock step. */
  final Map<String, BlobRef> registry = new java.util.concurrent.ConcurrentHashMap<>();
  /** Publish requests received, in order. */
  final List<PublishRequest> published = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** When set, publish fails with this message. */
  volatile String publishFailure;
  private final BlobStore blobs;

  FakeEngine(BlobStore blobs) {
    this.blobs = blobs;
  }

  static ImageSource config(String name, String archs, String extra) {
    return new ImageSource(name, name + ".yaml", ("archs: " + archs + "\n" + extra).getBytes(StandardCharsets.UTF_8),
        Map.of());
  }

  @Override
  public void validate(ImageSource source) throws BadInputException {
    String text = new String(source.configYaml(), StandardCharsets.UTF_8);
    if (text.contains("invalid")) {
      throw new BadInputException(source.fileName() + ":2:1: invalid: unknown field");
    }
  }

  @Override
  public ImageLock lock(ImageSource source, List<Arch> archOverride, BuildSettings settings) {
    locks.incrementAndGet();
    String text = new String(source.configYaml(), StandardCharsets.UTF_8);
    String archLine = text.lines().filter(l -> l.startsWith("archs: ")).findFirst().orElse("archs: amd64");
    List<Arch> archs = archOverride.isEmpty()
        ? Arch.parseAll(List.of(archLine.substring(7).split(",")))
        : archOverride;
    Map<Arch, ImageLock.ArchTask> perArch = new LinkedHashMap<>();
    for (Arch a : archs) {
      byte[] locked = (text + "\nlocked for " + a).getBytes(StandardCharsets.UTF_8);
      // Like the engine's key: everything that changes the bytes, and where a pushed result lives.
      String key = Digest.of((new String(locked, StandardCharsets.UTF_8) + "\n" + settings.annotations() + "\n"
          + settings.sourceDateEpoch() + "\n" + settings.pushRepository(source.name()).map(Object::toString).orElse("-"))
          .getBytes(StandardCharsets.UTF_8)).toString();
      perArch.put(a, new ImageLock.ArchTask(locked, key));
    }
    if (!settings.pushing()) {
      return new ImageLock(perArch, 3);
    }
    String key = Digest.of((text + archs).getBytes(StandardCharsets.UTF_8)).toString();
    return new ImageLock(perArch, 3, java.util.Optional.of(key),
        java.util.Optional.ofNullable(registry.get(source.name())));
  }

  @Override
  public Published publish(PublishRequest request) throws IOException {
    if (publishFailure != null) {
      throw new IOException(publishFailure);
    }
    published.add(request);
    return new Published(request.settings().pushReference(request.image()).orElseThrow().toString(), "fake push");
  }

  /** What a worker would produce for {@code task}: blobs put into the store, the result returned. */
  BuildResult build(TaskRecord task, String worker) {
    BlobRef layer = put(MediaType.OCI_LAYER_GZIP, "layer of " + new String(task.lockedArch(), StandardCharsets.UTF_8));
    BlobRef config = put(MediaType.OCI_CONFIG, "config of " + task.arch());
    BlobRef manifest = put(MediaType.OCI_MANIFEST, "manifest " + config.digest() + " " + layer.digest());
    BlobRef withPlatform = new BlobRef(manifest.mediaType(), manifest.digest(), manifest.size(),
        "linux/" + task.arch().ociName(), null, new TreeMap<>());
    return new BuildResult(task.arch().ociName(), withPlatform, config,
        List.of(new BuildResult.LayerRef(layer, layer.digest(), layer.size())),
        null, 0, 0, List.of(), worker);
  }

  @Override
  public BlobRef assemble(String image, List<BuildResult> perArch, byte[] lockedArch, BuildSettings settings) {
    List<String> lines = new ArrayList<>();
    for (BuildResult r : perArch) {
      lines.add(r.manifest().platform() + " " + r.manifest().digest());
    }
    return put(MediaType.OCI_INDEX, String.join("\n", lines));
  }

  BlobRef put(String mediaType, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    String digest = Digest.of(bytes).toString();
    try {
      blobs.put(digest, bytes.length, new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return BlobRef.of(mediaType, digest, bytes.length);
  }
}
