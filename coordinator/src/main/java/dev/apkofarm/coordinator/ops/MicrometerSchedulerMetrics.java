package dev.apkofarm.coordinator.ops;

import dev.apkofarm.coordinator.model.Stage;
import dev.apkofarm.coordinator.scheduler.Scheduler;
import dev.apkofarm.coordinator.scheduler.SchedulerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The coordinator's Prometheus metrics: queue length, running tasks, workers by arch and state, task time by
 * stage, requeues, finished tasks by outcome, packages by source, and the scheduler's own time per assignment.
 */
public final class MicrometerSchedulerMetrics implements SchedulerMetrics {
  private final MeterRegistry registry;
  private final Counter requeues;
  private final Timer assignment;
  private final Counter fetched;
  private final Counter cached;
  private MultiGauge workers;

  public MicrometerSchedulerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.requeues = Counter.builder("apkofarm.task.requeues").description("Tasks requeued (lease expired, failed, handed back)")
        .register(registry);
    this.assignment = Timer.builder("apkofarm.scheduler.assignment")
        .description("Coordinator time to decide, record and send one assignment").register(registry);
    this.fetched = Counter.builder("apkofarm.packages").tag("source", "repository")
        .description("Packages installed by finished tasks, by where they came from").register(registry);
    this.cached = Counter.builder("apkofarm.packages").tag("source", "cache").register(registry);
  }

  /** Registers the gauges that read the scheduler's live numbers. */
  public void bind(Supplier<Scheduler.Stats> stats) {
    Gauge.builder("apkofarm.queue.length", () -> stats.get().queued()).description("Tasks waiting for a worker")
        .register(registry);
    Gauge.builder("apkofarm.tasks.running", () -> stats.get().running()).register(registry);
    workers = MultiGauge.builder("apkofarm.workers").description("Connected workers by native arch and state")
        .register(registry);
  }

  /** Refreshes the per-arch worker gauge (its tag set changes as workers come and go). */
  public void refresh(Scheduler.Stats s) {
    if (workers == null) {
      return;
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, Integer>> arch : s.workers().entrySet()) {
      for (Map.Entry<String, Integer> st : arch.getValue().entrySet()) {
        rows.add(MultiGauge.Row.of(Tags.of("arch", arch.getKey(), "state", st.getKey()), st.getValue()));
      }
    }
    workers.register(rows, true);
  }

  @Override
  public void requeued() {
    requeues.increment();
  }

  @Override
  public void stage(Stage stage, long nanos) {
    Timer.builder("apkofarm.task.stage").tag("stage", stage.label()).description("Worker time per build stage")
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void indexed(long nanos) {
    Timer.builder("apkofarm.image.index")
        .description("Coordinator time to assemble an image's index and its SBOM from the built archs")
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void published(long nanos) {
    Timer.builder("apkofarm.image.publish")
        .description("Coordinator time to push an image's referrers, index and tag after the workers pushed its archs")
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void assignment(long nanos) {
    assignment.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void taskFinished(String outcome) {
    Counter.builder("apkofarm.tasks.finished").tag("outcome", outcome).register(registry).increment();
  }

  @Override
  public void packages(long fromRepository, long fromCache) {
    fetched.increment(fromRepository);
    cached.increment(fromCache);
  }
}
