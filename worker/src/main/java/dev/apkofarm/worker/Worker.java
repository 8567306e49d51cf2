package dev.apkofarm.worker;

import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.cluster.cache.HazelcastBlobCache;
import dev.apkofarm.cluster.cli.RegistryAccessOptions;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.cluster.ops.MetricsEndpoint;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.EngineVersion;
import dev.apkofarm.core.cache.BlobCache;
import dev.apkofarm.proto.v1.ClusterInfo;
import dev.apkofarm.proto.v1.GetClusterInfoRequest;
import dev.apkofarm.proto.v1.WorkerServiceGrpc;
import dev.apkofarm.worker.grpc.WorkerAgent;
import dev.apkofarm.worker.pipeline.RegistryPush;
import dev.apkofarm.worker.pipeline.TaskExecutor;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker: joins the cache cluster the coordinator names (unless told otherwise), builds tasks with the
 * engine, serves gRPC health and {@code /metrics}. The daemon's {@code Main} and the embedded farm start one.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WorkerAgent agent;
  private final HazelcastInstance member;
  private final boolean ownsMember;
  private final ManagedChannel ownedChannel;
  private final Server healthServer;
  private final HealthStatusManager health;
  private final MetricsEndpoint metrics;
  private final WorkerSettings settings;
  private final HazelcastBlobCache cache;

  private Worker(WorkerSettings settings, WorkerAgent agent, HazelcastInstance member, boolean ownsMember,
      ManagedChannel ownedChannel, Server healthServer, HealthStatusManager health, MetricsEndpoint metrics,
      HazelcastBlobCache cache) {
    this.settings = settings;
    this.agent = agent;
    this.member = member;
    this.ownsMember = ownsMember;
    this.ownedChannel = ownedChannel;
    this.healthServer = healthServer;
    this.health = health;
    this.metrics = metrics;
    this.cache = cache;
  }

  /** Starts a worker over its own channel to {@code settings.coordinator()}, joining the cache cluster. */
  public static Worker start(WorkerSettings settings) throws IOException {
    ManagedChannel channel = Transport.channel(settings.coordinator(), settings.security());
    try {
      MemberSettings m = settings.member();
      if (m.members().isEmpty() && m.kubernetesServiceDns() == null) {
        ClusterInfo info = WorkerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
            .withWaitForReady().getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
        m = m.withClusterName(info.getClusterName()).withMembers(info.getMembersList());
        log.info("worker {}: joining cache cluster \"{}\" via {}", settings.id(), info.getClusterName(),
            info.getMembersList());
      }
      HazelcastInstance member = Members.start(m);
      return start(settings, channel, channel, member, true);
    } catch (IOException | RuntimeException e) {
      channel.shutdownNow();
      throw e;
    }
  }

  /** Starts a worker over an existing channel and member (the embedded farm). */
  public static Worker start(WorkerSettings settings, Channel channel, HazelcastInstance member) throws IOException {
    return start(settings, channel, null, member, false);
  }

  private static Worker start(WorkerSettings settings, Channel channel, ManagedChannel owned,
      HazelcastInstance member, boolean ownsMember) throws IOException {
    Files.createDirectories(settings.workDir());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HazelcastBlobCache cache = new HazelcastBlobCache(member);
    cache.bindTo(registry);
    TaskExecutor executor = TaskExecutor.factory().create(cache, settings.workDir());
    WorkerAgent agent = new WorkerAgent(channel,
        new WorkerAgent.Identity(settings.id(), settings.arch(), settings.slots(), EngineVersion.get()), executor,
        new RegistryPush(settings.registry()));
    Gauge.builder("apkofarm.worker.tasks.running", agent, WorkerAgent::running).register(registry);
    Gauge.builder("apkofarm.worker.tasks.completed", agent, WorkerAgent::completed).register(registry);
    HealthStatusManager health = new HealthStatusManager();
    Server healthServer = null;
    MetricsEndpoint metrics = null;
    if (settings.healthPort() >= 0) {
      healthServer = Transport.server("0.0.0.0".equals(settings.member().bindHost()) ? "0.0.0.0" : "127.0.0.1",
          settings.healthPort(), new Transport.Security(java.util.Optional.empty(), true, java.util.Optional.empty()),
          List.of(health.getHealthService().bindService()));
    }
    if (settings.metricsPort() >= 0) {
      metrics = MetricsEndpoint.start("0.0.0.0".equals(settings.member().bindHost()) ? "0.0.0.0" : "127.0.0.1",
          settings.metricsPort(), registry);
    }
    log.info("worker {} {}", settings.id(), RegistryAccessOptions.describe(settings.registry()));
    agent.start();
    health.setStatus("", ServingStatus.SERVING);
    return new Worker(settings, agent, member, ownsMember, owned, healthServer, health, metrics, cache);
  }

  public WorkerAgent agent() {
    return agent;
  }

  public BlobCache cache() {
    return cache;
  }

  public HazelcastBlobCache hazelcastCache() {
    return cache;
  }

  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  public int healthPort() {
    return healthServer == null ? -1 : healthServer.getPort();
  }

  /** The port of this worker's Hazelcast member. */
  public int hazelcastPort() {
    return Members.port(member);
  }

  /** Drains (running tasks finish within the grace period or are handed back), then stops. */
  @Override
  public void close() {
    health.setStatus("", ServingStatus.NOT_SERVING);
    agent.shutdown(settings.drainGrace());
    if (ownedChannel != null) {
      ownedChannel.shutdown();
    }
    if (healthServer != null) {
      healthServer.shutdownNow();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (ownsMember) {
      member.shutdown();
    }
  }
}
