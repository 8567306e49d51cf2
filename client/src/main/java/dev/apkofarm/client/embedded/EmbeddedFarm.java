package dev.apkofarm.client.embedded;

import dev.apkofarm.cluster.cache.FarmBlobCache;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.Coordinator;
import dev.apkofarm.coordinator.CoordinatorSettings;
import dev.apkofarm.coordinator.engine.CoordinatorEngine;
import dev.apkofarm.coordinator.engine.CoreCoordinatorEngine;
import dev.apkofarm.coordinator.front.FrontSettings;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.coordinator.state.InProcessBackend;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.registry.RegistryOptions;
import dev.apkofarm.worker.Worker;
import dev.apkofarm.worker.WorkerSettings;
import dev.apkofarm.worker.pipeline.CoreTaskExecutor;
import dev.apkofarm.worker.pipeline.TaskExecutor;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A whole farm in this process: a coordinator on in-process cluster state ({@link InProcessBackend}) serving
 * in-process gRPC only, and one worker over an in-process channel, sharing the coordinator's package cache. No
 * Hazelcast member, no socket (but a registry front's, for {@code serve}). The scheduler, the engines and the wire
 * messages are the farm's, so the images are the farm's. What {@code apko-client submit} runs when no
 * {@code --coordinator} is given.
 */
public final class EmbeddedFarm implements AutoCloseable {
  /** The most the in-process package cache holds, as the embedded farm's member held before (the daemons' default). */
  private static final long CACHE_BYTES = 64L << 20;

  private final Coordinator coordinator;
  private final Worker worker;
  private final ManagedChannel clientChannel;
  private final ManagedChannel workerChannel;
  private final Path dataDir;

  private EmbeddedFarm(Coordinator coordinator, Worker worker, ManagedChannel clientChannel,
      ManagedChannel workerChannel, Path dataDir) {
    this.coordinator = coordinator;
    this.worker = worker;
    this.clientChannel = clientChannel;
    this.workerChannel = workerChannel;
    this.dataDir = dataDir;
  }

  /**
   * The engines the farm's coordinator and worker run.
   *
   * @param coordinator lock and index
   * @param worker the per-arch build
   */
  public record Engines(CoordinatorEngine.Factory coordinator, TaskExecutor.Factory worker) {
    /** Core's engines: what {@code apko-client submit} runs. */
    public static final Engines CORE = new Engines(CoreCoordinatorEngine::new, CoreTaskExecutor::new);
  }

  /**
   * Starts the farm on core's engines.
   *
   * @param slots the worker's parallel tasks
   * @param workDir the client's working directory: configs' relative paths resolve against it
   */
  public static EmbeddedFarm start(int slots, Path workDir) throws IOException {
    return start(slots, workDir, RegistryOptions.defaults(), Engines.CORE);
  }

  /**
   * Starts the farm.
   *
   * @param slots the worker's parallel tasks
   * @param workDir the client's working directory: configs' relative paths resolve against it
   * @param registry how coordinator and worker reach registries for {@code --push} (this user's credentials)
   * @param engines what the coordinator and the worker run
   */
  public static EmbeddedFarm start(int slots, Path workDir, RegistryOptions registry, Engines engines)
      throws IOException {
    return start(slots, workDir, registry, engines, Optional.empty());
  }

  /**
   * Starts the farm, its coordinator also serving {@code front} ({@code apko-client serve}).
   *
   * @param slots the worker's parallel tasks
   * @param workDir the client's working directory: configs' relative paths resolve against it
   * @param registry how coordinator and worker reach registries for {@code --push} (this user's credentials)
   * @param engines what the coordinator and the worker run
   * @param front the registry front to serve, if any
   */
  public static EmbeddedFarm start(int slots, Path workDir, RegistryOptions registry, Engines engines,
      Optional<FrontSettings> front) throws IOException {
    Path data = Files.createTempDirectory("apko-farm-embedded-");
    String name = "apko-farm-embedded-" + UUID.randomUUID();
    // FarmBlobCache.INLINE_LIMIT is a compile-time constant: using it loads no class of the farm's Hazelcast tier.
    InProcessBackend cluster = new InProcessBackend(name, FarmBlobCache.INLINE_LIMIT, CACHE_BYTES);
    Coordinator coordinator = null;
    try {
      CoordinatorSettings cs = new CoordinatorSettings("127.0.0.1", -1, Transport.Security.plaintextLoopback(),
          MemberSettings.loopback(name, List.of()), data.resolve("coordinator"),
          new SchedulerConfig(Duration.ofSeconds(60), Duration.ofSeconds(5), 3, 100_000), "127.0.0.1", -1, -1,
          Optional.of(workDir),
          registry);
      // No /metrics is served here, so no meter registry is kept (Optional.empty()): the daemons keep theirs.
      coordinator = Coordinator.start(front.map(cs::withFront).orElse(cs), cluster, name, engines.coordinator(),
          Optional.empty());
      ManagedChannel workerChannel = InProcessChannelBuilder.forName(name).directExecutor().build();
      WorkerSettings ws = new WorkerSettings(name, Transport.Security.plaintextLoopback(), "embedded",
          Arch.host().orElse(Arch.AMD64), slots, MemberSettings.loopback(name, List.of()), data.resolve("worker"),
          Duration.ZERO, -1, -1, registry);
      // One worker, no peer: large packages stay on its disk, small ones (those the client ships, seeded by the
      // coordinator) in the cache it shares with the coordinator.
      Worker worker = Worker.start(ws, workerChannel, cluster.cache(), engines.worker(), Optional.empty());
      ManagedChannel client = InProcessChannelBuilder.forName(name).directExecutor().build();
      return new EmbeddedFarm(coordinator, worker, client, workerChannel, data);
    } catch (IOException | RuntimeException e) {
      if (coordinator != null) {
        coordinator.close(); // and with it the backend, which a failed Coordinator.start has closed already
      }
      throw e;
    }
  }

  /** The channel a client talks to the farm through. */
  public ManagedChannel channel() {
    return clientChannel;
  }

  public Coordinator coordinator() {
    return coordinator;
  }

  public Worker worker() {
    return worker;
  }

  @Override
  public void close() {
    clientChannel.shutdownNow();
    worker.close();
    workerChannel.shutdownNow();
    coordinator.close();
    try (Stream<Path> s = Files.walk(dataDir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory; the OS cleans up what we could not
    }
  }
}
