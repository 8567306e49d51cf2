package dev.apkofarm.client.farm;

import dev.apkofarm.core.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.worker.testing.FakeEngines;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Real farm daemons as child JVMs on loopback (the test's own classpath, so a test may run the daemons on stand-in
 * engines: {@link Mains#FAKE}), with their logs in files that a failing test prints. Every port is 0 (the daemon binds whatever
 * the system gives it) and read back from the daemon's {@code --ready-file}: a port picked here beforehand could be
 * taken by another process before the daemon binds it.
 */
final class FarmProcesses implements AutoCloseable {
  /** Starting a JVM, a Hazelcast member and gRPC on a loaded 2-core machine: generous on purpose. */
  private static final Duration START = Duration.ofSeconds(120);

  /**
   * Which main classes the daemons run.
   *
   * @param coordinator the coordinator's main class
   * @param worker a worker's main class
   */
  record Mains(String coordinator, String worker) {
    /** The daemons as shipped: core's engines. */
    static final Mains REAL = new Mains("dev.apkofarm.coordinator.Main", "dev.apkofarm.worker.Main");
    /** The daemons on the stand-in engines of {@link FakeEngines}. */
    static final Mains FAKE = new Mains(FakeEngines.CoordinatorMain.class.getName(),
        FakeEngines.WorkerMain.class.getName());
  }

  private final Path logs;
  private final Mains mains;
  private final Map<String, String> environment;
  private final List<String> jvmOptions;
  private final List<Daemon> daemons = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  final String clusterName = "it-" + UUID.randomUUID();

  /**
   * A running daemon.
   *
   * @param port the coordinator's gRPC port, a worker's health port
   * @param hazelcastPort its Hazelcast member's port
   * @param readyFile where it wrote those ports
   */
  record Daemon(String name, Process process, int port, int metricsPort, int hazelcastPort, Path readyFile, Path log,
      String main, List<String> args) {
    String target() {
      return "127.0.0.1:" + port;
    }

    String metrics() throws IOException, InterruptedException {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.body();
    }

    /** The value of a metric line starting with {@code prefix}, or -1 if absent. */
    double metric(String prefix) {
      try {
        return metrics().lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(
            l.substring(l.lastIndexOf(' ') + 1))).sum();
      } catch (IOException | InterruptedException | RuntimeException e) {
        return -1;
      }
    }
  }

  FarmProcesses(Path logs, Mains mains) {
    this(logs, mains, Map.of());
  }

  /** Daemons that also get {@code environment} (e.g. {@code DOCKER_CONFIG} and {@code HOME}). */
  FarmProcesses(Path logs, Mains mains, Map<String, String> environment) {
    this(logs, mains, environment, List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"));
  }

  /** Daemons whose JVMs run with {@code jvmOptions} (a heap limit, say) instead of the tests' usual ones. */
  FarmProcesses(Path logs, Mains mains, Map<String, String> environment, List<String> jvmOptions) {
    this.logs = logs;
    this.mains = mains;
    this.environment = environment;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  Daemon coordinator(String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--port", "0", "--metrics-port", "0", "--hazelcast-port", "0",
        "--cluster-name", clusterName, "--data-dir", logs.resolve("coordinator-data").toString()));
    args.addAll(List.of(extra));
    return start("coordinator", mains.coordinator(), args, "grpc");
  }

  Daemon worker(Daemon coordinator, String id, String arch, int slots, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--coordinator", coordinator.target(), "--id", id, "--arch", arch,
        "--slots", String.valueOf(slots), "--health-port", "0", "--metrics-port", "0", "--hazelcast-port", "0",
        "--work-dir", logs.resolve(id + "-work").toString(), "--drain-grace", "2s"));
    args.addAll(List.of(extra));
    return start(id, mains.worker(), args, "health");
  }

  /** Kills {@code d} with SIGKILL (no shutdown hook, no drain) and waits until it is gone. */
  static void kill(Daemon d) throws InterruptedException {
    d.process().destroyForcibly();
    if (!d.process().waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError(d.name() + " did not die");
    }
  }

  /**
   * Starts {@code d} again with its original command line, except that a port it was given as 0 is now the port it
   * had (gRPC and metrics; what its clients were told), as an operator restarting it would.
   */
  Daemon restart(Daemon d) throws IOException {
    List<String> args = new ArrayList<>(d.args());
    pin(args, "--port", d.port());
    pin(args, "--metrics-port", d.metricsPort());
    return start(d.name(), d.main(), args, "grpc");
  }

  private static void pin(List<String> args, String option, int port) {
    int i = args.indexOf(option);
    if (i >= 0 && "0".equals(args.get(i + 1))) {
      args.set(i + 1, String.valueOf(port));
    }
  }

  /** Starts {@code main}, reads the ports it bound from its ready file, and returns once it serves health checks. */
  private Daemon start(String name, String main, List<String> args, String servingPort) throws IOException {
    Path log = logs.resolve(name + ".log");
    Path ready = logs.resolve(name + ".ready");
    Files.deleteIfExists(ready); // a daemon of the same name started before must not answer for this one
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.add(main);
    cmd.addAll(args);
    cmd.addAll(List.of("--ready-file", ready.toString()));
    // Appended: a restarted daemon keeps the log of its earlier life above its own.
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(environment);
    Process p = pb.start();
    processes.add(p);
    Await.until(START, name + " to write " + ready + " (log: " + log + ")", () -> {
      if (!p.isAlive()) {
        throw new AssertionError(name + " exited with " + p.exitValue() + ":\n" + log(log));
      }
      return Files.exists(ready); // written under a temporary name, then renamed: complete once it exists
    });
    JsonNode ports = new ObjectMapper().readTree(ready.toFile());
    Daemon d = new Daemon(name, p, ports.path(servingPort).asInt(), ports.path("metrics").asInt(),
        ports.path("hazelcast").asInt(), ready, log, main, List.copyOf(args));
    daemons.add(d);
    awaitServing(d);
    return d;
  }

  private static void awaitServing(Daemon d) {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", d.port()).usePlaintext().build();
    try {
      Await.until(START, d.name() + " to serve health checks (log: " + d.log() + ")", () -> {
        if (!d.process().isAlive()) {
          throw new AssertionError(d.name() + " exited with " + d.process().exitValue() + ":\n" + log(d));
        }
        try {
          return HealthGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance()).getStatus() == HealthCheckResponse.ServingStatus.SERVING;
        } catch (RuntimeException e) {
          return false;
        }
      });
    } finally {
      ch.shutdownNow();
    }
  }

  static String log(Daemon d) {
    return log(d.log());
  }

  private static String log(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Every daemon's log, for a failure message. */
  String logs() {
    StringBuilder sb = new StringBuilder();
    for (Daemon d : daemons) {
      sb.append("==== ").append(d.name()).append('\n').append(log(d));
    }
    return sb.toString();
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
