package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.model.Stage;
import dev.apkofarm.core.config.Arch;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs the engine's slow steps off the scheduler's loop (lock; index and, with {@code --push}, publish) and posts
 * each outcome back onto the loop, where the scheduler decides what follows.
 */
final class EngineSteps {
  private final LockStep lockStep;
  private final IndexStep indexStep;
  private final Executor engine;
  private final Consumer<Runnable> loop;
  private final SchedulerMetrics metrics;

  /**
   * @param loop runs a decision on the scheduler's loop
   */
  EngineSteps(LockStep lockStep, IndexStep indexStep, Executor engine, Consumer<Runnable> loop,
      SchedulerMetrics metrics) {
    this.lockStep = lockStep;
    this.indexStep = indexStep;
    this.engine = engine;
    this.loop = loop;
    this.metrics = metrics;
  }

  /** Where a step's outcome goes (on the loop). */
  interface Outcome<T> {
    void done(T value);

    /** The step failed; {@code pushed} says whether it failed while publishing (after the index was made). */
    void failed(String reason, boolean pushed);
  }

  /** Locks {@code source} for all its archs (and checks the registry for an unchanged push). */
  void lock(ImageSource source, List<Arch> archOverride, BuildSettings settings, Outcome<ImageLock> outcome) {
    engine.execute(
        () -> {
          ImageLock locked;
          long start = System.nanoTime();
          try {
            locked = lockStep.lock(source, archOverride, settings);
            metrics.stage(Stage.RESOLVE, System.nanoTime() - start);
          } catch (Exception | LinkageError e) {
            String why = "lock failed: " + Scheduler.describe(e);
            loop.accept(() -> outcome.failed(why, false));
            return;
          }
          loop.accept(() -> outcome.done(locked));
        });
  }

  /**
   * What assembling an image made: its index and, when pushing, what was published.
   *
   * @param index the index in the coordinator's store
   * @param published with {@code --push}, the reference and the registry work
   */
  record Assembled(BlobRef index, Optional<IndexStep.Published> published) {}

  /** Assembles the index of {@code perArch} (in arch order) and, when pushing, publishes the image. */
  void assemble(String image, List<BuildResult> perArch, byte[] lockedArch, BuildSettings settings,
      String publishKey, Outcome<Assembled> outcome) {
    engine.execute(
        () -> {
          BlobRef index;
          try {
            long assembling = System.nanoTime();
            index = indexStep.assemble(image, perArch, lockedArch, settings);
            metrics.indexed(System.nanoTime() - assembling);
          } catch (Exception | LinkageError e) {
            String why = "index assembly failed: " + Scheduler.describe(e);
            loop.accept(() -> outcome.failed(why, false));
            return;
          }
          Optional<IndexStep.Published> published = Optional.empty();
          if (settings.pushing()) {
            long start = System.nanoTime();
            try {
              published = Optional.of(indexStep.publish(
                  new IndexStep.PublishRequest(image, index, perArch, lockedArch, settings, publishKey)));
              metrics.published(System.nanoTime() - start);
            } catch (Exception | LinkageError e) {
              String why = "push failed: " + Scheduler.describe(e);
              loop.accept(() -> outcome.failed(why, true));
              return;
            }
          }
          Assembled done = new Assembled(index, published);
          loop.accept(() -> outcome.done(done));
        });
  }
}
