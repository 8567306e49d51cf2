package dev.apkofarm.cluster.cli;

import java.util.concurrent.CountDownLatch;

/** What the two daemons share: quiet logging set up before any logger exists, and a stop on SIGTERM. */
public final class Daemons {
  private Daemons() {}

  /** One line per event at {@code level}; Hazelcast, gRPC and Netty only speak up for warnings. */
  public static void configureLogging(String level) {
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", level);
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setDefault("org.slf4j.simpleLogger.showThreadName", "false");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    setDefault("org.slf4j.simpleLogger.log.com.hazelcast", "warn");
    setDefault("org.slf4j.simpleLogger.log.io.grpc", "warn");
    setDefault("org.slf4j.simpleLogger.log.io.netty", "warn");
    setDefault("hazelcast.logging.type", "slf4j");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Runs {@code stop} on SIGTERM/SIGINT and blocks until it has finished. */
  public static void runUntilSignalled(Runnable stop) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch hookDone = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        stop.run();
      } finally {
        stopped.countDown();
        hookDone.countDown();
      }
    }, "stop"));
    stopped.await();
    hookDone.await();
  }
}
