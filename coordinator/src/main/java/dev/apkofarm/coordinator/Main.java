package dev.apkofarm.coordinator;

import dev.apkofarm.cluster.cli.BoundPorts;
import dev.apkofarm.cluster.cli.Daemons;
import dev.apkofarm.cluster.cli.DurationConverter;
import dev.apkofarm.cluster.cli.HazelcastOptions;
import dev.apkofarm.cluster.cli.ReadyFileOptions;
import dev.apkofarm.cluster.cli.RegistryAccessOptions;
import dev.apkofarm.cluster.cli.SecurityOptions;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.coordinator.engine.CoordinatorEngine;
import dev.apkofarm.coordinator.engine.CoreCoordinatorEngine;
import dev.apkofarm.coordinator.front.FrontSettings;
import dev.apkofarm.coordinator.hazelcast.HazelcastBackend;
import dev.apkofarm.core.EngineVersion;
import dev.apkofarm.core.cache.UserCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Entry point of {@code apko-coordinator}: the farm's coordinator daemon. */
@Command(name = "apko-coordinator", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Run the apko-farm coordinator: BuildService for clients, WorkerService for workers, the"
        + " scheduler, and a member of the farm's Hazelcast cluster. Stops cleanly on SIGTERM.")
public final class Main implements Callable<Integer> {
  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "gRPC listen address (default: ${DEFAULT-VALUE}; off loopback TLS or --insecure is required).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "7070",
      description = "gRPC port; 0 = any free port, see --ready-file (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where built blobs are kept for clients to download (default: $XDG_CACHE_HOME/apko-farm/coordinator, else ~/.cache/apko-farm/coordinator).")
  Path dataDir;

  @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "15s", converter = DurationConverter.class,
      description = "A worker silent this long loses its tasks (default: ${DEFAULT-VALUE}).")
  Duration lease;

  @Option(names = "--heartbeat", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
      description = "How often idle workers say they are alive (default: ${DEFAULT-VALUE}).")
  Duration heartbeat;

  @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "3",
      description = "Attempts per task before its image fails (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--max-live-images", paramLabel = "N", defaultValue = "10000",
      description = "Images queued or building before Submit answers RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
  int maxLiveImages;

  @Option(names = "--retention", paramLabel = "DURATION", defaultValue = "1h", converter = DurationConverter.class,
      description = "Keep a finished job (status, events, tasks, results) this long for status, watch and downloads,"
          + " then remove it from the cluster state (default: ${DEFAULT-VALUE}).")
  Duration retention;

  @Option(names = "--blob-grace", paramLabel = "DURATION", defaultValue = "1h", converter = DurationConverter.class,
      description = "Remove a blob of the data dir that no job (live, or retained for --retention) references once"
          + " it was last stored or asked for this long ago; swept at start and every --blob-sweep (default:"
          + " ${DEFAULT-VALUE}).")
  Duration blobGrace;

  @Option(names = "--blob-sweep", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
      description = "How often the data dir is swept for blobs past --blob-grace (default: ${DEFAULT-VALUE}).")
  Duration blobSweep;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "-1",
      description = "Serve Prometheus /metrics on this port; 0 = any free port (default: off).")
  int metricsPort;

  @Option(names = "--health-port", paramLabel = "PORT", defaultValue = "-1",
      description = "Also serve the gRPC health service, plaintext, on this port (for probes; 0 = any free port;"
          + " default: off).")
  int healthPort;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info", description = "error, warn, info, debug.")
  String logLevel;

  @Option(names = "--serve-registry", paramLabel = "HOST:PORT",
      description = "Also serve a read-only OCI registry of the configs in --configs: a pull of <config>:latest locks"
          + " the config as it is now and answers from the farm's results, or builds every arch first;"
          + " <config>/<package>/... appends packages; :sha256-<lock hex> pins an image served before. TLS and the"
          + " token as for gRPC (the token as a bearer token or a basic password). PORT 0 = any free port.")
  String serveRegistry;

  @Option(names = "--configs", paramLabel = "DIR",
      description = "The configs --serve-registry serves: one image per *.yaml/*.yml, named after the file. Their"
          + " local repositories and keys resolve in the coordinator's working directory, and must lie in it.")
  Path configs;

  @Option(names = "--allow-anonymous",
      description = "Let the registry front serve pulls without the farm's token.")
  boolean allowAnonymous;

  @Option(names = "--registry-max-packages", paramLabel = "N", defaultValue = "" + FrontSettings.DEFAULT_MAX_PACKAGES,
      description = "Packages a registry name <config>/<package>/... may append (default: ${DEFAULT-VALUE}).")
  int registryMaxPackages;

  @Option(names = "--registry-build-timeout", paramLabel = "DURATION", defaultValue = "10m",
      converter = DurationConverter.class,
      description = "How long a pull waits for its build before answering 'unavailable, pull again' (the build goes"
          + " on; the next pull waits for it) (default: ${DEFAULT-VALUE}).")
  Duration registryBuildTimeout;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin SecurityOptions security = new SecurityOptions();

  @Mixin HazelcastOptions hazelcast = new HazelcastOptions();

  @Mixin RegistryAccessOptions registry = new RegistryAccessOptions();

  @Mixin ReadyFileOptions ready = new ReadyFileOptions();

  private final CoordinatorEngine.Factory engine;

  /** The daemon: core's engine. */
  public Main() {
    this(CoreCoordinatorEngine::new);
  }

  /** A coordinator on {@code engine} (tests start daemons on stand-in engines this way). */
  public Main(CoordinatorEngine.Factory engine) {
    this.engine = engine;
  }

  public static void main(String[] args) {
    System.exit(run(args, CoreCoordinatorEngine::new));
  }

  /** Runs the daemon with {@code args} on {@code engine}; returns the exit code. */
  public static int run(String[] args, CoordinatorEngine.Factory engine) {
    return new CommandLine(new Main(engine)).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    if (blobSweep.isNegative() || blobSweep.isZero()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--blob-sweep " + blobSweep + ": must be positive");
    }
    Daemons.configureLogging(logLevel);
    Path data = dataDir != null ? dataDir : UserCache.root().resolve("coordinator");
    boolean loopback = Transport.isLoopback(host);
    CoordinatorSettings s = new CoordinatorSettings(host, port, security.security(), hazelcast.settings(loopback),
        data, new SchedulerConfig(lease, heartbeat, maxAttempts, maxLiveImages, retention), loopback ? "127.0.0.1" : "0.0.0.0",
        metricsPort, healthPort, Optional.empty(), registry.registryOptions()).withBlobGrace(blobGrace)
        .withBlobSweep(blobSweep);
    Optional<FrontSettings> front = front(s.security());
    if (front.isPresent()) {
      s = s.withFront(front.get());
    }
    HazelcastBackend cluster = HazelcastBackend.start(s.member(), s.dataDir(), s.security());
    Coordinator c = Coordinator.start(s, cluster, null, engine);
    Daemons.serve("apko-coordinator", ready,
        new BoundPorts(c.port(), c.healthPort(), c.metricsPort(), Members.port(cluster.member()), c.registryPort()),
        c::close);
    return 0;
  }

  /** The registry front the options ask for, checked here so a mistake is a usage error naming the option. */
  private Optional<FrontSettings> front(Transport.Security security) {
    if (serveRegistry == null) {
      if (configs != null || allowAnonymous) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--configs and --allow-anonymous belong to --serve-registry HOST:PORT");
      }
      return Optional.empty();
    }
    if (configs == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--serve-registry needs --configs DIR");
    }
    if (!Files.isDirectory(configs)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--configs " + configs + " is not a directory");
    }
    if (security.token().isEmpty() && !allowAnonymous) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--serve-registry needs the farm's token"
          + " (--token-file or $APKO_FARM_TOKEN) or --allow-anonymous: without either nobody could pull");
    }
    try {
      FrontSettings f = FrontSettings.listening(serveRegistry, configs.toAbsolutePath(),
          Path.of("").toAbsolutePath(), security, allowAnonymous, registryMaxPackages, registryBuildTimeout);
      Transport.requirePlaintextAllowed("registry front", f.host(), f.security());
      return Optional.of(f);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--serve-registry: " + e.getMessage());
    }
  }

  /** Supplies {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"apko-coordinator " + EngineVersion.get()};
    }
  }
}
