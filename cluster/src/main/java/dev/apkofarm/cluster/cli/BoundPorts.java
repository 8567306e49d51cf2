package dev.apkofarm.cluster.cli;

/**
 * The ports a running daemon actually serves on, so whoever started it with port 0 (the system picks) can reach it.
 *
 * @param grpc the gRPC port (-1: none, e.g. a worker)
 * @param health the plaintext gRPC health port (-1: none)
 * @param metrics the {@code /metrics} HTTP port (-1: none)
 * @param hazelcast the Hazelcast member port
 * @param registry the coordinator's registry front (-1: none)
 */
public record BoundPorts(int grpc, int health, int metrics, int hazelcast, int registry) {
  public BoundPorts {
    check("grpc", grpc);
    check("health", health);
    check("metrics", metrics);
    check("hazelcast", hazelcast);
    check("registry", registry);
  }

  /** A daemon without a registry front. */
  public BoundPorts(int grpc, int health, int metrics, int hazelcast) {
    this(grpc, health, metrics, hazelcast, -1);
  }

  private static void check(String name, int port) {
    if (port < -1 || port > 65535) {
      throw new IllegalArgumentException(name + " port " + port + " is not a port");
    }
  }

  /** One JSON object, e.g. {@code {"grpc":7070,"health":-1,"metrics":9090,"hazelcast":5701,"registry":-1}}. */
  public String json() {
    return "{\"grpc\":" + grpc + ",\"health\":" + health + ",\"metrics\":" + metrics + ",\"hazelcast\":" + hazelcast
        + ",\"registry\":" + registry + "}";
  }
}
