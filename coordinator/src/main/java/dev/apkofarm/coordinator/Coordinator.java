package dev.apkofarm.coordinator;

import dev.apkofarm.cluster.cli.RegistryAccessOptions;
import dev.apkofarm.cluster.ops.MetricsEndpoint;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.blobs.BlobCollector;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.engine.CoordinatorEngine;
import dev.apkofarm.coordinator.engine.InputTree;
import dev.apkofarm.coordinator.front.FrontSettings;
import dev.apkofarm.coordinator.front.RegistryFront;
import dev.apkofarm.coordinator.grpc.BlobServiceImpl;
import dev.apkofarm.coordinator.grpc.BuildServiceImpl;
import dev.apkofarm.coordinator.grpc.WorkerServiceImpl;
import dev.apkofarm.coordinator.ops.MicrometerSchedulerMetrics;
import dev.apkofarm.coordinator.scheduler.BlobReferences;
import dev.apkofarm.coordinator.scheduler.Scheduler;
import dev.apkofarm.coordinator.state.ClusterBackend;
import dev.apkofarm.core.cache.SharedCache;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator: scheduler, gRPC services (build, worker, blob, health), metrics, on a {@link ClusterBackend}
 * (cluster state and package cache). The daemon's {@code Main} starts one on a Hazelcast member, the client's
 * embedded farm one on in-process state; nothing here knows which.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

  private final ClusterBackend cluster;
  private final Scheduler scheduler;
  private final List<Server> servers;
  private final Server healthServer;
  private final HealthStatusManager health;
  private final ExecutorService loop;
  private final ExecutorService engineExecutor;
  private final ScheduledExecutorService ticker;
  private final MetricsEndpoint metricsEndpoint;
  private final DiskBlobStore blobs;
  private final RegistryFront front;
  private final BlobCollector collector;
  private final Duration sweepInterval;
  private final ScheduledExecutorService collecting;

  private Coordinator(Builder b) {
    this.collector = b.collector;
    this.sweepInterval = b.sweepInterval;
    this.collecting = b.collecting;
    this.cluster = b.cluster;
    this.scheduler = b.scheduler;
    this.servers = b.servers;
    this.healthServer = b.healthServer;
    this.health = b.health;
    this.loop = b.loop;
    this.engineExecutor = b.engineExecutor;
    this.ticker = b.ticker;
    this.metricsEndpoint = b.metricsEndpoint;
    this.blobs = b.blobs;
    this.front = b.front;
  }

  /**
   * Starts a coordinator, its meters in a Prometheus registry (the daemon's; served on {@code s.metricsPort()}).
   *
   * @param cluster the cluster state and package cache it runs on, which it closes when it stops (also when this
   *     start fails): the daemon's {@code HazelcastBackend}, the embedded farm's {@code InProcessBackend}
   * @param inProcessName also serve on an in-process transport of this name (the embedded farm), or null
   * @param engineFactory the engine (the daemon's is {@code CoreCoordinatorEngine::new}; tests inject stand-ins)
   */
  public static Coordinator start(CoordinatorSettings s, ClusterBackend cluster, String inProcessName,
      CoordinatorEngine.Factory engineFactory) throws IOException {
    return start(s, cluster, inProcessName, engineFactory,
        Optional.of(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
  }

  /**
   * Starts a coordinator, its meters going to {@code prometheus}.
   *
   * @param prometheus the registry its meters go to and {@code s.metricsPort()} serves; empty when nothing would read
   *     them (the embedded farm, which serves no {@code /metrics}): the meters then go to a registry that keeps
   *     nothing, and the Prometheus client's classes are never loaded
   * @throws IllegalArgumentException if {@code prometheus} is empty but a metrics port is asked for
   */
  public static Coordinator start(CoordinatorSettings s, ClusterBackend cluster, String inProcessName,
      CoordinatorEngine.Factory engineFactory, Optional<PrometheusMeterRegistry> prometheus) throws IOException {
    if (prometheus.isEmpty() && s.metricsPort() >= 0) {
      cluster.close();
      throw new IllegalArgumentException("a metrics port needs a registry to serve");
    }
    Builder b = new Builder();
    b.cluster = cluster;
    try {
      // A composite registry with no member registry is Micrometer's no-op: its meters record nothing.
      b.registry = prometheus.isPresent() ? prometheus.get() : new CompositeMeterRegistry();
      // The coordinator fetches no package: it keeps small ones a client ships (inline), never a large one in its heap.
      SharedCache cache = cluster.cache();
      cluster.bindTo(b.registry);
      b.blobs = new DiskBlobStore(s.dataDir().resolve("blobs"));
      CoordinatorEngine engine =
          engineFactory.create(new CoordinatorEngine.Context(b.blobs, cache, s.localDir(),
              s.front().map(FrontSettings::workDir), s.dataDir(), s.registry()));
      MicrometerSchedulerMetrics metrics = new MicrometerSchedulerMetrics(b.registry);
      b.loop = Executors.newSingleThreadExecutor(named("scheduler"));
      b.engineExecutor = Executors.newFixedThreadPool(2, named("engine"));
      b.scheduler = new Scheduler(cluster.state(), engine, engine, b.blobs,
          Clock.systemUTC(), b.loop, b.engineExecutor, s.scheduler(), metrics);
      metrics.bind(b.scheduler::stats);
      int recovered = b.scheduler.recover().join();
      if (recovered > 0) {
        log.info("recovered {} running job(s) from the cluster state", recovered);
      }
      b.ticker = Executors.newSingleThreadScheduledExecutor(named("lease-ticker"));
      Scheduler sched = b.scheduler;
      b.ticker.scheduleWithFixedDelay(() -> {
        sched.tick();
        metrics.refresh(sched.stats());
      }, 1, 1, TimeUnit.SECONDS);

      b.health = new HealthStatusManager();
      List<ServerServiceDefinition> services = new ArrayList<>();
      for (BindableService svc : List.of(
          new BuildServiceImpl(b.scheduler),
          new WorkerServiceImpl(b.scheduler, cluster::clusterInfo),
          new BlobServiceImpl(b.blobs, Optional.of(cache)),
          b.health.getHealthService())) {
        services.add(svc.bindService());
      }
      b.servers = new ArrayList<>();
      if (s.port() >= 0) {
        b.servers.add(Transport.server(s.host(), s.port(), s.security(), services));
      }
      if (s.healthPort() >= 0) {
        b.healthServer = Transport.server(s.metricsHost(), s.healthPort(),
            new Transport.Security(Optional.empty(), true, Optional.empty()),
            List.of(b.health.getHealthService().bindService()));
        b.servers.add(b.healthServer);
      }
      if (inProcessName != null) {
        InProcessServerBuilder ip = InProcessServerBuilder.forName(inProcessName).directExecutor();
        services.forEach(ip::addService);
        b.servers.add(ip.build().start());
      }
      if (s.metricsPort() >= 0) {
        b.metricsEndpoint = MetricsEndpoint.start(s.metricsHost(), s.metricsPort(), prometheus.get());
      }
      if (s.front().isPresent()) {
        b.front = RegistryFront.start(s.front().get(), b.scheduler, engine, b.blobs, b.registry, s.dataDir());
      }
      b.collector = new BlobCollector(b.blobs, s.dataDir().resolve("inputs"), s.blobGrace(), b.registry);
      b.sweepInterval = s.blobSweep();
      b.collecting = Executors.newSingleThreadScheduledExecutor(named("blob-collector"));
      b.health.setStatus("", ServingStatus.SERVING);
      Coordinator c = new Coordinator(b);
      // At once (what a previous life left, now that recovery has loaded what it still needs), then periodically.
      b.collecting.scheduleWithFixedDelay(c::collectQuietly, 0, s.blobSweep().toMillis(), TimeUnit.MILLISECONDS);
      log.info("coordinator {}", RegistryAccessOptions.describe(s.registry()));
      log.info("coordinator serving on {}:{} ({}{}), {}{}", s.host(), c.port(),
          s.security().tls().isPresent() ? "TLS" : "plaintext",
          s.security().token().isPresent() ? ", bearer token required" : "",
          cluster.describe(),
          b.metricsEndpoint == null ? "" : ", metrics on http://" + s.metricsHost() + ":" + b.metricsEndpoint.port() + "/metrics");
      if (b.front != null) {
        FrontSettings f = s.front().get();
        log.info("registry front serving {} on {}://{}:{}/v2/ ({})", f.configs(), b.front.tls() ? "https" : "http",
            f.host(), b.front.port(), f.security().token().isPresent()
                ? "the farm's token required" + (f.allowAnonymous() ? ", anonymous pulls allowed" : "")
                : "anonymous pulls allowed");
      }
      return c;
    } catch (IOException | RuntimeException e) {
      b.abandon();
      throw e;
    }
  }

  /**
   * Removes what the data dir holds for nobody (see {@link BlobCollector}): blobs the cluster state and the registry
   * front no longer reference, stale uploads, input trees of no live job, each once older than the grace period.
   */
  public BlobCollector.Sweep collectBlobs() throws IOException {
    BlobReferences refs = scheduler.blobReferences();
    Set<String> referenced = new HashSet<>(refs.blobs());
    if (front != null) {
      referenced.addAll(front.servedBlobs(refs.resultKeys()));
    }
    Set<String> trees = new HashSet<>();
    refs.liveInputs().forEach(files -> trees.add(InputTree.name(files)));
    return collector.sweep(referenced, trees);
  }

  private void collectQuietly() {
    try {
      collectBlobs();
    } catch (IOException | RuntimeException e) {
      log.warn("blob collection failed (tried again in {}): {}", sweepInterval, e.toString());
    }
  }

  /** The TCP port gRPC listens on (-1 when only in-process). */
  public int port() {
    Server first = servers.isEmpty() ? null : servers.get(0);
    return first == null || first.getListenSockets().isEmpty() ? -1 : first.getPort();
  }

  public int metricsPort() {
    return metricsEndpoint == null ? -1 : metricsEndpoint.port();
  }

  /** The port of the registry front (-1 when there is none). */
  public int registryPort() {
    return front == null ? -1 : front.port();
  }

  /** The port of the plaintext health-only server (-1 when there is none). */
  public int healthPort() {
    return healthServer == null ? -1 : healthServer.getPort();
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  public DiskBlobStore blobs() {
    return blobs;
  }

  /** Stops serving: health goes NOT_SERVING, streams end (workers reconnect to a successor), state stays. */
  @Override
  public void close() {
    health.setStatus("", ServingStatus.NOT_SERVING);
    if (front != null) {
      front.close();
    }
    for (Server s : servers) {
      s.shutdown();
    }
    for (Server s : servers) {
      try {
        if (!s.awaitTermination(2, TimeUnit.SECONDS)) {
          s.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    collecting.shutdownNow();
    ticker.shutdownNow();
    loop.shutdown();
    engineExecutor.shutdownNow();
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
    cluster.close();
    log.info("coordinator stopped");
  }

  static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The parts, collected while starting so a failed start can release what it took. */
  private static final class Builder {
    ClusterBackend cluster;
    Scheduler scheduler;
    List<Server> servers = new ArrayList<>();
    Server healthServer;
    HealthStatusManager health;
    ExecutorService loop;
    ExecutorService engineExecutor;
    ScheduledExecutorService ticker;
    MetricsEndpoint metricsEndpoint;
    MeterRegistry registry;
    DiskBlobStore blobs;
    RegistryFront front;
    BlobCollector collector;
    Duration sweepInterval;
    ScheduledExecutorService collecting;

    void abandon() {
      if (collecting != null) {
        collecting.shutdownNow();
      }
      if (front != null) {
        front.close();
      }
      servers.forEach(Server::shutdownNow);
      if (ticker != null) {
        ticker.shutdownNow();
      }
      if (loop != null) {
        loop.shutdownNow();
      }
      if (engineExecutor != null) {
        engineExecutor.shutdownNow();
      }
      if (metricsEndpoint != null) {
        metricsEndpoint.close();
      }
      cluster.close();
    }
  }
}
