package dev.apkofarm.coordinator.state;

import dev.apkofarm.core.cache.SharedCache;
import dev.apkofarm.proto.v1.ClusterInfo;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What a coordinator shares with the rest of its farm, beyond its own disk: the cluster state it schedules on, the
 * package cache it seeds with the small packages clients ship, and what it tells a worker to join. The daemon's is a
 * Hazelcast member ({@code coordinator.hazelcast.HazelcastBackend}); the embedded farm's lives in this process's heap
 * ({@link InProcessBackend}) and loads no Hazelcast class. The scheduler above runs the same either way.
 *
 * <p>The coordinator it is handed to closes it, also when its start fails.
 */
public interface ClusterBackend extends AutoCloseable {
  ClusterState state();

  /** The coordinator's view of the farm's package cache (it keeps small blobs inline, fetches nothing itself). */
  SharedCache cache();

  /** Registers this backend's meters (the cache's hits and misses, ...). */
  void bindTo(MeterRegistry registry);

  /** What a worker that asks is told to join (the Hazelcast cluster, or none in one process). */
  ClusterInfo clusterInfo();

  /** For the coordinator's start-up line, e.g. {@code hazelcast member 10.0.0.5:5701 in cluster "farm"}. */
  String describe();

  /** Releases what the backend owns (a member it started, never one it was handed). */
  @Override
  void close();
}
