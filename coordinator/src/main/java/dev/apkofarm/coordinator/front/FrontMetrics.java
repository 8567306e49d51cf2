package dev.apkofarm.coordinator.front;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The registry front's metrics, in the coordinator's {@code /metrics}: pulls (manifest requests by tag), builds a pull
 * triggered, pulls answered from a retained build (build-key hits), and the time from a request's arrival to the
 * first byte of its answer, by what was asked for.
 */
final class FrontMetrics {
  private final Counter latest;
  private final Counter pinned;
  private final Counter builds;
  private final Counter hits;
  private final Timer manifestFirstByte;
  private final Timer blobFirstByte;
  private final Timer otherFirstByte;

  FrontMetrics(MeterRegistry registry) {
    latest = Counter.builder("apkofarm.registry.pulls").tag("tag", "latest")
        .description("Manifest requests by tag: latest (resolved now) or a lock digest (pinned)").register(registry);
    pinned = Counter.builder("apkofarm.registry.pulls").tag("tag", "pin").register(registry);
    builds = Counter.builder("apkofarm.registry.builds.triggered")
        .description("Jobs submitted because a pull's build key had no retained result").register(registry);
    hits = Counter.builder("apkofarm.registry.build.key.hits")
        .description("Pulls of latest answered from the retained result of their build key").register(registry);
    manifestFirstByte = firstByte(registry, "manifest");
    blobFirstByte = firstByte(registry, "blob");
    otherFirstByte = firstByte(registry, "other");
  }

  private static Timer firstByte(MeterRegistry registry, String route) {
    return Timer.builder("apkofarm.registry.time.to.first.byte").tag("route", route)
        .description("From a request's arrival to the start of its answer (a pull that builds waits for the build)")
        .register(registry);
  }

  void pull(boolean pin) {
    (pin ? pinned : latest).increment();
  }

  void buildTriggered() {
    builds.increment();
  }

  void buildKeyHit() {
    hits.increment();
  }

  void firstByte(Route route, long nanos) {
    Timer t = route instanceof Route.Blob ? blobFirstByte
        : route instanceof Route.TaggedManifest || route instanceof Route.ManifestByDigest ? manifestFirstByte
        : otherFirstByte;
    t.record(nanos, TimeUnit.NANOSECONDS);
  }
}
