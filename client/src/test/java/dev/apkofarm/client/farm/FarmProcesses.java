package dev.apkofarm.client.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Real farm daemons as child JVMs on loopback (the test's own classpath, so a test may select stand-in engines by
 * system property), with their logs in files that a failing test prints. Every port is 0 (the daemon binds whatever
 * the system gives it) and read back from the daemon's {@code --ready-file}: a port picked here beforehand could be
 * taken by another process before the daemon binds it.
 */
final class FarmProcesses implements AutoCloseable {
  /** Starting a JVM, a Hazelcast member and gRPC on a loaded 2-core machine: generous on purpose. */
  private static final Duration START = Duration.ofSeconds(120);

  private final Path logs;
  private final Map<String, String> properties;
  private final Map<String, String> environment;
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
  record Daemon(String name, Process process, int port, int metricsPort, int hazelcastPort, Path readyFile, Path log) {
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

  FarmProcesses(Path logs, Map<String, String> properties) {
    this(logs, properties, Map.of());
  }

  /** Daemons that also get {@code environment} (e.g. {@code DOCKER_CONFIG} and {@code HOME}). */
  FarmProcesses(Path logs, Map<String, String> properties, Map<String, String> environment) {
    this.logs = logs;
    this.properties = properties;
    this.environment = environment;
  }

  Daemon coordinator(String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--port", "0", "--metrics-port", "0", "--hazelcast-port", "0",
        "--cluster-name", clusterName, "--data-dir", logs.resolve("coordinator-data").toString()));
    args.addAll(List.of(extra));
    return start("coordinator", "dev.apkofarm.coordinator.Main", args, "grpc");
  }

  Daemon worker(Daemon coordinator, String id, String arch, int slots, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--coordinator", coordinator.target(), "--id", id, "--arch", arch,
        "--slots", String.valueOf(slots), "--health-port", "0", "--metrics-port", "0", "--hazelcast-port", "0",
        "--work-dir", logs.resolve(id + "-work").toString(), "--drain-grace", "2s"));
    args.addAll(List.of(extra));
    return start(id, "dev.apkofarm.worker.Main", args, "health");
  }

  /** Starts {@code main}, reads the ports it bound from its ready file, and returns once it serves health checks. */
  private Daemon start(String name, String main, List<String> args, String servingPort) throws IOException {
    Path log = logs.resolve(name + ".log");
    Path ready = logs.resolve(name + ".ready");
    Files.deleteIfExists(ready); // a daemon of the same name started before must not answer for this one
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add(main);
    cmd.addAll(args);
    cmd.addAll(List.of("--ready-file", ready.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
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
        ports.path("hazelcast").asInt(), ready, log);
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
