package dev.apkofarm.coordinator.front;

import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.model.ImageStatus;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the front serves, decided per request. A pull of {@code latest} re-reads the config, locks it against its
 * repositories (indexes revalidated, not re-read, when unchanged), and answers from the farm's retained results when
 * its build keys have them; otherwise it submits a job for all archs and answers when the job ends. Pulls of one
 * name in flight together share one resolution (and so one build). A pin ({@code sha256-<lock hex>}) and anything
 * fetched by digest are served only while the results they were built from are retained.
 */
final class Images {
  private static final Logger log = LoggerFactory.getLogger(Images.class);
  static final String LATEST = "latest";

  private final ConfigDirectory configs;
  private final Farm farm;
  private final ServedImages served;
  private final FrontMetrics metrics;
  private final Duration buildTimeout;
  private final Executor resolvers;
  private final Clock clock;
  /** canonical name -> the resolution of latest in flight. */
  private final Map<String, CompletableFuture<ServedImage>> inFlight = new ConcurrentHashMap<>();

  Images(ConfigDirectory configs, Farm farm, ServedImages served, FrontMetrics metrics, Duration buildTimeout,
      Executor resolvers, Clock clock) {
    this.configs = configs;
    this.farm = farm;
    this.served = served;
    this.metrics = metrics;
    this.buildTimeout = buildTimeout;
    this.resolvers = resolvers;
    this.clock = clock;
  }

  /** The configs the directory offers, sorted. */
  List<String> catalog() throws IOException {
    return List.copyOf(configs.list().keySet());
  }

  /** {@code latest} and the pins of the name's retained images, sorted. */
  List<String> tags(ImageName name) throws IOException, RegistryError {
    config(name);
    List<String> tags = new ArrayList<>(List.of(LATEST));
    for (ServedImage s : served.of(name.toString())) {
      if (retained(s)) {
        tags.add(s.pinTag());
      }
    }
    tags.sort(null);
    return tags;
  }

  /** The image a tag names: {@code latest} as resolved now, or the retained image a lock digest pins. */
  ServedImage tagged(ImageName name, String tag) throws IOException, RegistryError {
    ConfigDirectory.Config config = config(name);
    Optional<Digest> pin = ServedImage.pinned(tag);
    metrics.pull(pin.isPresent());
    if (pin.isPresent()) {
      ServedImage s = served.byLock(pin.get()).filter(x -> x.name().equals(name.toString()))
          .orElseThrow(() -> RegistryError.manifestUnknown(name + ":" + tag + ": no image of this name was served"
              + " with that lock digest"));
      if (!retained(s)) {
        throw RegistryError.manifestUnknown(name + ":" + tag + ": the build of that lock is no longer retained;"
            + " pull " + LATEST + " to build the config as it is now");
      }
      return s;
    }
    if (!tag.equals(LATEST)) {
      throw RegistryError.manifestUnknown(name + ":" + tag + ": the tags served are " + LATEST
          + " and lock digests (sha256-<hex>, see the tags list)");
    }
    return latest(name, config);
  }

  /** The index or a manifest of one of the name's retained images. */
  BlobRef manifest(ImageName name, Digest digest) throws IOException, RegistryError {
    config(name);
    for (ServedImage s : served.of(name.toString())) {
      Optional<BlobRef> m = s.manifest(digest);
      if (m.isPresent() && retained(s)) {
        return m.get();
      }
    }
    throw RegistryError.manifestUnknown(name + "@" + digest + " is not a manifest of a retained image of this name");
  }

  /** A blob of one of the name's retained images. */
  BlobRef blob(ImageName name, Digest digest) throws IOException, RegistryError {
    config(name);
    for (ServedImage s : served.of(name.toString())) {
      Optional<BlobRef> b = s.blob(digest);
      if (b.isPresent() && retained(s)) {
        return b.get();
      }
    }
    throw RegistryError.blobUnknown(name + "@" + digest + " is not a blob of a retained image of this name");
  }

  private ConfigDirectory.Config config(ImageName name) throws IOException, RegistryError {
    return configs.find(name.config()).orElseThrow(() -> RegistryError.nameUnknown(
        "no config named " + name.config() + " in the registry's configs directory"));
  }

  /** Whether the farm still holds the results of every arch; an image that lost them is forgotten. */
  private boolean retained(ServedImage s) throws IOException, RegistryError {
    if (farm.results(s.keys()).isPresent()) {
      return true;
    }
    served.forget(s);
    return false;
  }

  /** Forgets the images served under {@code name} before {@code current} whose builds the farm no longer has. */
  private void forgetUnretained(ImageName name, ServedImage current) throws IOException, RegistryError {
    for (ServedImage s : served.of(name.toString())) {
      if (!s.equals(current)) {
        retained(s);
      }
    }
  }

  /** Forgets every recorded image whose builds the farm no longer has (after a restart, say); logs what it did. */
  void forgetUnretained() {
    int forgotten = 0;
    try {
      for (ServedImage s : served.all()) {
        if (!retained(s)) {
          forgotten++;
        }
      }
    } catch (IOException | RegistryError e) {
      log.warn("checking the served images' retention failed: {}", e.getMessage());
    }
    if (forgotten > 0) {
      log.info("registry front: forgot {} served image(s) whose builds are no longer retained", forgotten);
    }
  }

  // ---------------------------------------------------------------- latest

  private ServedImage latest(ImageName name, ConfigDirectory.Config config) throws RegistryError {
    String key = name.toString();
    CompletableFuture<ServedImage> mine = new CompletableFuture<>();
    CompletableFuture<ServedImage> flight = inFlight.putIfAbsent(key, mine);
    if (flight == null) {
      flight = mine;
      mine.whenComplete((s, e) -> inFlight.remove(key, mine));
      resolvers.execute(() -> resolve(name, config, mine));
    }
    try {
      return flight.get(buildTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw RegistryError.unavailable(name + ":" + LATEST + " is still being built after " + buildTimeout
          + " (--registry-build-timeout); pull again to keep waiting for the same build");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryError.unavailable("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RegistryError r) {
        throw r;
      }
      log.warn("resolving {}:{} failed", name, LATEST, e.getCause());
      throw RegistryError.unavailable(name + ":" + LATEST + ": " + Farm.describe(e.getCause()));
    }
  }

  /** Locks the config as it is now; answers from retained results, or builds. Completes {@code out} either way. */
  private void resolve(ImageName name, ConfigDirectory.Config config, CompletableFuture<ServedImage> out) {
    try {
      ImageSource source = new ImageSource(name.config(), config.display(), configs.read(config), Map.of(),
          name.packages(), true);
      Farm.Locked locked = farm.lock(source);
      Digest lock = ServedImage.lockDigest(locked.buildKeys());
      Optional<List<BuildResult>> results = farm.results(List.copyOf(locked.buildKeys().values()));
      if (results.isPresent()) {
        metrics.buildKeyHit();
        Optional<ServedImage> kept = served.byLock(lock);
        ServedImage s = kept.isPresent() ? kept.get() : served.record(ServedImage.of(name.toString(),
            locked.buildKeys(), farm.assemble(name.config(), results.get(), locked.lockedArch()), results.get(),
            clock.millis()));
        log.info("registry pull {}:{}: lock {} built before, index {}", name, LATEST, lock, s.index().digest());
        out.complete(s);
        return;
      }
      metrics.buildTriggered();
      // Async: the job's end is signalled on the scheduler's loop, which must not wait for the calls made here.
      farm.build(source, "registry pull " + name + ":" + LATEST).whenCompleteAsync((built, e) -> {
        try {
          out.complete(builtImage(name, built, e));
        } catch (RegistryError | IOException | RuntimeException failure) {
          out.completeExceptionally(failure);
        }
      }, resolvers);
      log.info("registry pull {}:{}: lock {} not built yet: building", name, LATEST, lock);
    } catch (BadInputException e) {
      out.completeExceptionally(RegistryError.buildFailed(name + ":" + LATEST + ": " + e.getMessage()));
    } catch (RegistryError e) {
      out.completeExceptionally(e);
    } catch (IOException e) {
      out.completeExceptionally(RegistryError.unavailable(name + ":" + LATEST + ": " + e.getMessage()));
    } catch (RuntimeException | LinkageError e) {
      out.completeExceptionally(e);
    }
  }

  private ServedImage builtImage(ImageName name, Farm.Built built, Throwable failure)
      throws RegistryError, IOException {
    if (failure != null) {
      throw RegistryError.unavailable(name + ":" + LATEST + ": the farm lost the build: " + Farm.describe(failure));
    }
    if (built.image().status() != ImageStatus.SUCCEEDED || built.image().indexRef().isEmpty()) {
      throw RegistryError.buildFailed(name + ":" + LATEST + ": the build failed (job " + built.jobId() + "): "
          + built.image().failure());
    }
    ServedImage s = served.record(ServedImage.of(name.toString(), built.buildKeys(), built.image().index(),
        built.results(), clock.millis()));
    forgetUnretained(name, s);
    log.info("registry pull {}:{}: built by job {}: lock {}, index {}", name, LATEST, built.jobId(),
        s.lockDigest(), s.index().digest());
    return s;
  }
}
