package dev.apkofarm.client.farm;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
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
 * system property), with their logs in files that a failing test prints.
 */
final class FarmProcesses implements AutoCloseable {
  private final Path logs;
  private final Map<String, String> properties;
  private final Map<String, String> environment;
  private final List<Daemon> daemons = new ArrayList<>();
  final String clusterName = "it-" + UUID.randomUUID();

  /** A running daemon. */
  record Daemon(String name, Process process, int port, int metricsPort, Path log) {
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

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  Daemon coordinator(String... extra) throws IOException {
    int port = freePort();
    int metrics = freePort();
    List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--metrics-port",
        String.valueOf(metrics), "--cluster-name", clusterName, "--data-dir", logs.resolve("coordinator-data").toString()));
    args.addAll(List.of(extra));
    Daemon d = start("coordinator", "dev.apkofarm.coordinator.Main", args, port, metrics);
    awaitServing(d);
    return d;
  }

  Daemon worker(Daemon coordinator, String id, String arch, int slots, String... extra) throws IOException {
    int health = freePort();
    int metrics = freePort();
    List<String> args = new ArrayList<>(List.of("--coordinator", coordinator.target(), "--id", id, "--arch", arch,
        "--slots", String.valueOf(slots), "--health-port", String.valueOf(health), "--metrics-port",
        String.valueOf(metrics), "--work-dir", logs.resolve(id + "-work").toString(), "--drain-grace", "2s"));
    args.addAll(List.of(extra));
    Daemon d = start(id, "dev.apkofarm.worker.Main", args, health, metrics);
    awaitServing(d);
    return d;
  }

  private Daemon start(String name, String main, List<String> args, int port, int metrics) throws IOException {
    Path log = logs.resolve(name + ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add(main);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(environment);
    Process p = pb.start();
    Daemon d = new Daemon(name, p, port, metrics, log);
    daemons.add(d);
    return d;
  }

  private void awaitServing(Daemon d) {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", d.port()).usePlaintext().build();
    try {
      Await.until(Duration.ofSeconds(60), d.name() + " to serve health checks (log: " + d.log() + ")", () -> {
        if (!d.process().isAlive()) {
          throw new AssertionError(d.name() + " exited with " + d.process().exitValue() + ":\n" + log(d));
        }
        try {
          return HealthGrpc.newBlockingStub(ch).withDeadlineAfter(1, TimeUnit.SECONDS)
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
    try {
      return Files.readString(d.log());
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
    for (Daemon d : daemons) {
      d.process().destroyForcibly();
    }
    for (Daemon d : daemons) {
      try {
        d.process().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
