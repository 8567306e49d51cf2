package dev.apkofarm.coordinator.front;

import dev.apkofarm.coordinator.engine.CoordinatorEngine;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageRecord;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.scheduler.ImageLock;
import dev.apkofarm.coordinator.scheduler.JobRequest;
import dev.apkofarm.coordinator.scheduler.Scheduler;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the front asks of the farm, through the same parts a submission goes through: the engine's lock (so a pull
 * computes exactly the build keys a job would), the scheduler's retained results (its reuse rule), the engine's index
 * step, and a job on the scheduler for what must be built. The front never touches the cluster state itself.
 */
final class Farm {
  /** How long a scheduler call may take before the front answers "unavailable" (its loop answers in milliseconds). */
  private static final long SCHEDULER_SECONDS = 60;

  private final Scheduler scheduler;
  private final CoordinatorEngine engine;

  Farm(Scheduler scheduler, CoordinatorEngine engine) {
    this.scheduler = scheduler;
    this.engine = engine;
  }

  /**
   * A config locked for all its archs: the build key of each and one arch's task (the index step takes the locked
   * config and options from it).
   */
  record Locked(Map<Arch, String> buildKeys, byte[] lockedArch) {}

  /** An image a job built, or why it did not. */
  record Built(String jobId, ImageRecord image, Map<Arch, String> buildKeys, List<BuildResult> results) {}

  /** Locks {@code source} as a job would (the farm's default settings: no annotations, the engine's date). */
  Locked lock(ImageSource source) throws BadInputException, IOException {
    ImageLock lock = engine.lock(source, List.of(), BuildSettings.defaults());
    Map<Arch, String> keys = new LinkedHashMap<>();
    lock.perArch().forEach((arch, task) -> keys.put(arch, task.buildKey()));
    return new Locked(keys, lock.perArch().values().iterator().next().lockedArch());
  }

  /** The retained results of every key, in order, or empty when any is gone. */
  Optional<List<BuildResult>> results(List<String> buildKeys) throws RegistryError {
    return await(scheduler.results(buildKeys));
  }

  /** The index over {@code results} (deterministic: the one the job that built them assembled). */
  BlobRef assemble(String image, List<BuildResult> results, byte[] lockedArch) throws IOException {
    return engine.assemble(image, results, lockedArch, BuildSettings.defaults());
  }

  /**
   * Submits {@code source} as a job of its own and completes when the job ends, with the image as it ended; the
   * future completes on the scheduler's loop, so what follows it must run elsewhere (an async stage).
   *
   * @throws RegistryError when the scheduler refuses the job (the message says why: a bad config, a full farm)
   */
  CompletableFuture<Built> build(ImageSource source, String label) throws RegistryError, BadInputException {
    String jobId;
    try {
      jobId = scheduler.submit(new JobRequest(List.of(source), List.of(), BuildSettings.defaults(), label))
          .get(SCHEDULER_SECONDS, TimeUnit.SECONDS).id();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BadInputException b) {
        throw b;
      }
      throw RegistryError.unavailable("the farm refused the build of " + source.reference() + ": "
          + describe(e.getCause()));
    } catch (TimeoutException e) {
      throw RegistryError.unavailable("the farm's scheduler did not answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryError.unavailable("interrupted");
    }
    return scheduler.whenFinished(jobId).thenApply(view -> {
      ImageRecord image = view.job().images().get(0);
      Map<Arch, String> keys = new LinkedHashMap<>();
      List<BuildResult> results = new ArrayList<>();
      view.tasks().stream().sorted((a, b) -> a.arch().ociName().compareTo(b.arch().ociName())).forEach(t -> {
        keys.put(t.arch(), t.buildKey());
        t.buildResult().ifPresent(results::add);
      });
      return new Built(jobId, image, keys, results);
    });
  }

  private static <T> T await(CompletableFuture<T> f) throws RegistryError {
    try {
      return f.get(SCHEDULER_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw RegistryError.unavailable("the farm's scheduler failed: " + describe(e.getCause()));
    } catch (TimeoutException e) {
      throw RegistryError.unavailable("the farm's scheduler did not answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryError.unavailable("interrupted");
    }
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
