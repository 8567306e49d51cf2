package dev.apkofarm.coordinator.state;

import dev.apkofarm.core.cache.SharedCache;
import dev.apkofarm.proto.v1.ClusterInfo;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A farm in one process (the embedded farm of {@code apko-client submit} and {@code serve}): the cluster state in
 * this heap ({@link InMemoryClusterState}) and a package cache in it too, shared by the coordinator and the worker the
 * same process runs ({@link #cache()}: hand it to that worker). No Hazelcast member, no socket; nothing survives the
 * process, which is all a farm that lives and dies with one command needs. The scheduler is the farm's own, so the
 * images are the farm's too.
 */
public final class InProcessBackend implements ClusterBackend {
  private final InMemoryClusterState state = new InMemoryClusterState();
  private final InProcessCache cache;
  private final String name;

  /**
   * @param name the farm's name (what a worker that asked would be told; the in-process transport's name)
   * @param inlineLimit the largest blob the cache keeps (the farm's inline limit)
   * @param cacheBytes the most the cache holds in all before evicting the least recently used
   */
  public InProcessBackend(String name, long inlineLimit, long cacheBytes) {
    this.name = name;
    this.cache = new InProcessCache(inlineLimit, cacheBytes);
  }

  @Override
  public ClusterState state() {
    return state;
  }

  @Override
  public SharedCache cache() {
    return cache;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    cache.bindTo(registry);
  }

  /** No member to join: the only worker shares this process, and its cache is handed to it. */
  @Override
  public ClusterInfo clusterInfo() {
    return ClusterInfo.newBuilder().setClusterName(name).build();
  }

  @Override
  public String describe() {
    return "in-process cluster state \"" + name + "\"";
  }

  @Override
  public void close() {
    // the heap goes with the process
  }
}
