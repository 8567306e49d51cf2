package dev.apkofarm.worker;

import dev.apkofarm.cluster.cli.BoundPorts;
import dev.apkofarm.cluster.cli.Daemons;
import dev.apkofarm.cluster.cli.DurationConverter;
import dev.apkofarm.cluster.cli.HazelcastOptions;
import dev.apkofarm.cluster.cli.ReadyFileOptions;
import dev.apkofarm.cluster.cli.RegistryAccessOptions;
import dev.apkofarm.cluster.cli.SecurityOptions;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.EngineVersion;
import dev.apkofarm.core.cache.UserCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.worker.pipeline.CoreTaskExecutor;
import dev.apkofarm.worker.pipeline.TaskExecutor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Entry point of {@code apko-worker}: a farm worker daemon. */
@Command(name = "apko-worker", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Run an apko-farm worker: it needs only the coordinator's address; it learns from it how to join"
        + " the package cache cluster. On SIGTERM it drains: running tasks finish or are handed back.")
public final class Main implements Callable<Integer> {
  @Option(names = "--coordinator", paramLabel = "HOST:PORT", required = true, description = "The coordinator.")
  String coordinator;

  @Option(names = "--arch", paramLabel = "ARCH",
      description = "The native arch announced to the scheduler (default: this JVM's, ${sys:os.arch}).")
  String arch;

  @Option(names = "--slots", paramLabel = "N", description = "Tasks at once (default: the number of CPUs).")
  Integer slots;

  @Option(names = "--id", paramLabel = "ID", description = "Worker id (default: hostname-pid).")
  String id;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Scratch space and the local package cache (default: $XDG_CACHE_HOME/apko-farm/worker, else ~/.cache/apko-farm/worker).")
  Path workDir;

  @Option(names = "--drain-grace", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "On SIGTERM, let running tasks finish this long before handing them back (default: ${DEFAULT-VALUE}).")
  Duration drainGrace;

  @Option(names = "--health-port", paramLabel = "PORT", defaultValue = "-1",
      description = "Serve the gRPC health service on this port; 0 = any free port, see --ready-file (default: off).")
  int healthPort;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "-1",
      description = "Serve Prometheus /metrics on this port; 0 = any free port (default: off).")
  int metricsPort;

  @Option(names = "--blob-port", paramLabel = "PORT", defaultValue = "0",
      description = "Port of the read-only blob service through which the other workers take large cached packages"
          + " from this one (on the --hazelcast-host interface); 0 = any free port, -1 = none (default: 0).")
  int blobPort;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info", description = "error, warn, info, debug.")
  String logLevel;

  @Mixin SecurityOptions security = new SecurityOptions();

  @Mixin HazelcastOptions hazelcast = new HazelcastOptions();

  @Mixin RegistryAccessOptions registry = new RegistryAccessOptions();

  @Mixin ReadyFileOptions ready = new ReadyFileOptions();

  private final TaskExecutor.Factory engine;

  /** The daemon: core's engine. */
  public Main() {
    this(CoreTaskExecutor::new);
  }

  /** A worker on {@code engine} (tests start daemons on stand-in engines this way). */
  public Main(TaskExecutor.Factory engine) {
    this.engine = engine;
  }

  public static void main(String[] args) {
    System.exit(run(args, CoreTaskExecutor::new));
  }

  /** Runs the daemon with {@code args} on {@code engine}; returns the exit code. */
  public static int run(String[] args, TaskExecutor.Factory engine) {
    return new CommandLine(new Main(engine)).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    Daemons.configureLogging(logLevel);
    Arch native_ = arch == null
        ? Arch.host().orElseThrow(() -> new IllegalArgumentException(
            "cannot tell this machine's arch from os.arch=" + System.getProperty("os.arch") + "; pass --arch"))
        : Arch.parse(arch).orElseThrow(() -> new IllegalArgumentException(
            "unknown arch \"" + arch + "\" (known: " + Arch.known() + ")"));
    String workerId = id != null ? id : defaultId();
    boolean loopback = Transport.isLoopback(Transport.HostPort.parse(coordinator).host());
    Path work = workDir != null ? workDir : UserCache.root().resolve("worker");
    WorkerSettings s = new WorkerSettings(coordinator, security.security(), workerId, native_,
        slots != null ? slots : Runtime.getRuntime().availableProcessors(), hazelcast.settings(loopback), work,
        drainGrace, healthPort, metricsPort, registry.registryOptions(), blobPort);
    Worker w = Worker.start(s, engine);
    Daemons.serve("apko-worker", ready, new BoundPorts(-1, w.healthPort(), w.metricsPort(), w.hazelcastPort()),
        w::close);
    return 0;
  }

  private static String defaultId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "worker";
    }
    return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
  }

  /** Supplies {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"apko-worker " + EngineVersion.get()};
    }
  }
}
