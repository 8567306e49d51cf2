package dev.apkofarm.client;

import dev.apkofarm.client.cli.ApkoClientCommand;

/** Entry point of {@code apko-client} (and of the fat jar the launchers in {@code bin/} run). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    quietLibraries();
    System.exit(ApkoClientCommand.run(args));
  }

  /**
   * The embedded farm runs Hazelcast, gRPC and the farm's daemons in this process: their logs would drown the
   * progress display, so only warnings (errors for Hazelcast) reach the terminal unless the user set otherwise.
   */
  public static void quietLibraries() {
    // slf4j otherwise finds its provider with a ServiceLoader, which opens and indexes every jar on the class path:
    // the fat jar's 34,000 entries cost a short run about 10 ms.
    setDefault("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
    setDefault("slf4j.internal.verbosity", "WARN"); // not a line on every run about that choice
    setDefault("org.slf4j.simpleLogger.log.com.hazelcast", "error");
    setDefault("org.slf4j.simpleLogger.log.io.grpc", "warn");
    setDefault("org.slf4j.simpleLogger.log.io.netty", "warn");
    setDefault("org.slf4j.simpleLogger.log.dev.apkofarm.coordinator", "warn");
    setDefault("org.slf4j.simpleLogger.log.dev.apkofarm.worker", "warn");
    // publish prints its own summary of a push (with bytes); the coordinator's log keeps Publisher's.
    setDefault("org.slf4j.simpleLogger.log.dev.apkofarm.core.registry.Publisher", "warn");
    dev.apkofarm.cluster.cli.Daemons.withoutNettyFlightRecorder();
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
