package dev.apkofarm.worker;

import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.blobs.PeerBlobService;
import dev.apkofarm.cluster.cache.FarmBlobCache;
import dev.apkofarm.cluster.cache.PeerReads;
import dev.apkofarm.cluster.cli.RegistryAccessOptions;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.cluster.ops.MetricsEndpoint;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.EngineVersion;
import dev.apkofarm.core.cache.SharedCache;
import dev.apkofarm.proto.v1.ClusterInfo;
import dev.apkofarm.proto.v1.GetClusterInfoRequest;
import dev.apkofarm.proto.v1.WorkerServiceGrpc;
import dev.apkofarm.worker.grpc.CoordinatorConnection;
import dev.apkofarm.worker.pipeline.CoreTaskExecutor;
import dev.apkofarm.worker.pipeline.RegistryPush;
import dev.apkofarm.worker.pipeline.TaskExecutor;
import dev.apkofarm.worker.pipeline.TaskId;
import dev.apkofarm.worker.pipeline.TaskRunner;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker: joins the cache cluster the coordinator names (unless told otherwise), builds tasks with the
 * engine, serves gRPC health and {@code /metrics}. The daemon's {@code Main} and the embedded farm start one.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  /** How long a worker with a finished build waits for an unreachable coordinator before giving the attempt up. */
  static final Duration COORDINATOR_PATIENCE = Duration.ofMinutes(2);

  private final CoordinatorConnection connection;
  private final TaskRunner runner;
  private final HazelcastInstance member;
  private final ManagedChannel ownedChannel;
  private final List<AutoCloseable> owned;
  private final Server healthServer;
  private final HealthStatusManager health;
  private final MetricsEndpoint metrics;
  private final WorkerSettings settings;
  private final SharedCache cache;

  private Worker(WorkerSettings settings, CoordinatorConnection connection, TaskRunner runner,
      HazelcastInstance member, ManagedChannel ownedChannel, List<AutoCloseable> owned, Server healthServer,
      HealthStatusManager health, MetricsEndpoint metrics, SharedCache cache) {
    this.settings = settings;
    this.connection = connection;
    this.runner = runner;
    this.member = member;
    this.ownedChannel = ownedChannel;
    this.owned = owned;
    this.healthServer = healthServer;
    this.health = health;
    this.metrics = metrics;
    this.cache = cache;
  }

  /**
   * Starts a worker over its own channel to {@code settings.coordinator()}, joining the cache cluster, with its peer
   * blob service (unless {@code settings.blobPort()} is -1) so the other workers can take large packages from it.
   *
   * @param engine the build engine (the daemon's is {@code CoreTaskExecutor::new}; tests inject stand-ins)
   */
  public static Worker start(WorkerSettings settings, TaskExecutor.Factory engine) throws IOException {
    ManagedChannel channel = Transport.channel(settings.coordinator(), settings.security());
    List<AutoCloseable> owned = new ArrayList<>();
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
      owned.add(member::shutdown);
      Transport.Security peerSecurity = PeerBlobService.security(settings.security());
      PeerReads reads = new PeerReads(peerSecurity);
      owned.add(reads);
      Optional<FarmBlobCache.Sharing> sharing = Optional.empty();
      PeerBlobService peers = new PeerBlobService();
      if (settings.blobPort() >= 0) {
        Server server = Transport.server(m.bindHost(), settings.blobPort(), peerSecurity,
            List.of(peers.bindService()));
        owned.add(server::shutdownNow);
        String address = new Transport.HostPort(member.getCluster().getLocalMember().getAddress().getHost(),
            server.getPort()).toString();
        sharing = Optional.of(new FarmBlobCache.Sharing(peers, address));
        log.info("worker {}: serving cached blobs to its peers on {}", settings.id(), address);
      }
      FarmBlobCache cache = new FarmBlobCache(member, sharing, reads);
      owned.add(cache);
      List<MeterBinder> meters = new ArrayList<>();
      meters.add(cache::bindTo);
      sharing.ifPresent(sh -> meters.add(sh.service()::bindTo));
      Worker worker = start(settings, channel, channel, member, owned, cache, meters, engine,
          Optional.of(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
      reannounce(cache, CoreTaskExecutor.packageCache(settings.workDir()));
      return worker;
    } catch (IOException | RuntimeException e) {
      closeAll(owned);
      channel.shutdownNow();
      throw e;
    }
  }

  /**
   * Starts a worker over an existing channel with a package cache it does not own (the embedded farm, whose cache
   * is in its process's heap; tests): no Hazelcast member and no peer blob service of its own.
   */
  public static Worker start(WorkerSettings settings, Channel channel, SharedCache cache, TaskExecutor.Factory engine)
      throws IOException {
    return start(settings, channel, cache, engine, Optional.of(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
  }

  /**
   * As {@link #start(WorkerSettings, Channel, SharedCache, TaskExecutor.Factory)}, its meters going to
   * {@code prometheus}.
   *
   * @param prometheus the registry its meters go to and {@code settings.metricsPort()} serves; empty when nothing
   *     would read them (the embedded farm): the meters then go to a registry that keeps nothing, and the Prometheus
   *     client's classes are never loaded
   * @throws IllegalArgumentException if {@code prometheus} is empty but a metrics port is asked for
   */
  public static Worker start(WorkerSettings settings, Channel channel, SharedCache cache, TaskExecutor.Factory engine,
      Optional<PrometheusMeterRegistry> prometheus) throws IOException {
    return start(settings, channel, null, null, List.of(), cache, List.of(), engine, prometheus);
  }

  /**
   * Shares the large packages this worker kept on disk before a restart again, in the background (each is read once
   * for its sha256): the location index lost this member's entries with its old member, and without them another
   * worker would fetch such a package from its origin once more.
   */
  private static void reannounce(FarmBlobCache cache, java.nio.file.Path packages) {
    Thread t = new Thread(() -> {
      try {
        int n = cache.reannounce(packages);
        if (n > 0) {
          log.info("shared again {} large package(s) kept on disk", n);
        }
      } catch (IOException | RuntimeException e) {
        log.warn("could not share the packages kept on disk again: {}", e.getMessage());
      }
    }, "reannounce-packages");
    t.setDaemon(true);
    t.start();
  }

  /**
   * @param member the worker's own Hazelcast member, or null
   * @param owned what the worker closes when it stops (its member, peer service, cache), last first
   * @param meters what registers its meters beside the worker's own (its cache's, its peer service's)
   * @param prometheus the registry its meters go to and its metrics port serves; empty: a no-op one
   */
  private static Worker start(WorkerSettings settings, Channel channel, ManagedChannel ownedChannel,
      HazelcastInstance member, List<AutoCloseable> owned, SharedCache cache, List<MeterBinder> meters,
      TaskExecutor.Factory engine, Optional<PrometheusMeterRegistry> prometheus)
      throws IOException {
    if (prometheus.isEmpty() && settings.metricsPort() >= 0) {
      throw new IllegalArgumentException("a metrics port needs a registry to serve");
    }
    Files.createDirectories(settings.workDir());
    // A composite registry with no member registry is Micrometer's no-op: its meters record nothing.
    MeterRegistry registry = prometheus.isPresent() ? prometheus.get() : new CompositeMeterRegistry();
    meters.forEach(m -> m.bindTo(registry));
    // A build that finished while the coordinator restarts waits for it rather than fail the attempt.
    BlobTransfer blobs = new BlobTransfer(channel, COORDINATOR_PATIENCE);
    TaskExecutor executor = engine.create(new TaskExecutor.Context(cache, settings.workDir(), blobs));
    CoordinatorConnection connection = new CoordinatorConnection(channel,
        new CoordinatorConnection.Identity(settings.id(), settings.arch(), settings.slots(), EngineVersion.get()));
    TaskRunner runner = new TaskRunner(settings.id(), settings.slots(), executor, blobs,
        new RegistryPush(settings.registry()), connection);
    Gauge.builder("apkofarm.worker.tasks.running", runner, TaskRunner::running).register(registry);
    Gauge.builder("apkofarm.worker.tasks.completed", runner, TaskRunner::completed).register(registry);
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
          settings.metricsPort(), prometheus.get());
    }
    log.info("worker {} {}", settings.id(), RegistryAccessOptions.describe(settings.registry()));
    connection.start(runner);
    health.setStatus("", ServingStatus.SERVING);
    return new Worker(settings, connection, runner, member, ownedChannel, owned, healthServer, health, metrics, cache);
  }

  private static void closeAll(List<AutoCloseable> owned) {
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        log.debug("closing {}: {}", owned.get(i), e.getMessage());
      }
    }
  }

  public String id() {
    return settings.id();
  }

  /** Results and failures not sent yet (waiting for a stream to the coordinator). */
  public int pendingReports() {
    return connection.pendingReports();
  }

  /** The worker's tasks (running, completed; drain). */
  public TaskRunner tasks() {
    return runner;
  }

  public SharedCache cache() {
    return cache;
  }

  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  public int healthPort() {
    return healthServer == null ? -1 : healthServer.getPort();
  }

  /** The port of this worker's own Hazelcast member (-1 when it has none). */
  public int hazelcastPort() {
    return member == null ? -1 : Members.port(member);
  }

  /** Drains (running tasks finish within the grace period or are handed back), then stops. */
  @Override
  public void close() {
    health.setStatus("", ServingStatus.NOT_SERVING);
    List<TaskId> handedBack = runner.drain(settings.drainGrace());
    connection.close();
    runner.close();
    log.info("worker {} stopped ({} task(s) handed back)", settings.id(), handedBack.size());
    if (ownedChannel != null) {
      ownedChannel.shutdown();
    }
    if (healthServer != null) {
      healthServer.shutdownNow();
    }
    if (metrics != null) {
      metrics.close();
    }
    closeAll(owned);
  }
}
