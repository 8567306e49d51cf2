package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.Stage;

/** What the scheduler counts; the coordinator binds it to Micrometer, tests use {@link #NONE}. */
public interface SchedulerMetrics {
  void requeued();

  void stage(Stage stage, long nanos);

  /** From submission-to-assignment bookkeeping: time the scheduler spent deciding and recording one assignment. */
  void assignment(long nanos);

  void taskFinished(String outcome);

  /** Packages a finished task fetched from repositories, and those a cache served. */
  void packages(long fetched, long cached);

  /** The coordinator's index step for one image: assembling its index (and SBOM) from the built archs. */
  default void indexed(long nanos) {}

  /** The coordinator's share of a push: one image's referrers, index and tag (the workers' share is stage push). */
  default void published(long nanos) {}

  SchedulerMetrics NONE =
      new SchedulerMetrics() {
        @Override
        public void requeued() {}

        @Override
        public void stage(Stage stage, long nanos) {}

        @Override
        public void assignment(long nanos) {}

        @Override
        public void taskFinished(String outcome) {}

        @Override
        public void packages(long fetched, long cached) {}
      };
}
