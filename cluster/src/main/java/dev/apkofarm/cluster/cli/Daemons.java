package dev.apkofarm.cluster.cli;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

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
    // Its advice to open JDK internals for speed is not an operator's concern on every start.
    setDefault("org.slf4j.simpleLogger.log.com.hazelcast.instance.impl.HazelcastInstanceFactory", "error");
    setDefault("org.slf4j.simpleLogger.log.io.grpc", "warn");
    setDefault("org.slf4j.simpleLogger.log.io.netty", "warn");
    setDefault("hazelcast.logging.type", "slf4j");
    withoutNettyFlightRecorder();
  }

  /**
   * Keeps Netty from registering its Flight Recorder events (unless {@code io.netty.jfr.enabled} is set): it does so
   * with its first pooled chunk, which starts the JDK's event metadata on a transport thread, 55-64 ms of CPU of a
   * {@code submit --coordinator} (async-profiler), and nothing here reads those events. For the daemons and the
   * client alike.
   */
  public static void withoutNettyFlightRecorder() {
    setDefault("io.netty.jfr.enabled", "false");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /**
   * Announces a started daemon's ports ({@code --ready-file} and a log line), then serves until SIGTERM or SIGINT and
   * stops it: the ready file is withdrawn first, so nobody is sent to ports about to close. The signal handlers are in
   * place before the announcement, so a SIGTERM sent as soon as the daemon says it is ready stops it cleanly. A failed
   * announcement stops the daemon at once.
   */
  public static void serve(String daemon, ReadyFileOptions ready, BoundPorts ports, Runnable stop)
      throws IOException, InterruptedException {
    CountDownLatch signalled = onSignal();
    try {
      ready.announce(daemon, ports);
    } catch (IOException | RuntimeException e) {
      stop.run();
      throw e;
    }
    runUntil(signalled, () -> {
      ready.withdraw();
      stop.run();
    });
  }

  /**
   * Blocks until SIGTERM or SIGINT, then runs {@code stop} and returns (so the daemon exits 0 after a clean stop).
   * Any other way the JVM ends still runs {@code stop} from a shutdown hook.
   */
  public static void runUntilSignalled(Runnable stop) throws InterruptedException {
    runUntil(onSignal(), stop);
  }

  private static void runUntil(CountDownLatch signalled, Runnable stop) throws InterruptedException {
    AtomicBoolean done = new AtomicBoolean();
    Runnable once = () -> {
      if (done.compareAndSet(false, true)) {
        stop.run();
      }
    };
    Thread hook = new Thread(once, "stop");
    Runtime.getRuntime().addShutdownHook(hook);
    signalled.await();
    once.run();
    Runtime.getRuntime().removeShutdownHook(hook);
  }

  /** Installs handlers of SIGTERM and SIGINT that count the returned latch down. */
  private static CountDownLatch onSignal() {
    CountDownLatch signalled = new CountDownLatch(1);
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> signalled.countDown());
      } catch (IllegalArgumentException e) {
        // this platform has no such signal: the shutdown hook still stops us
      }
    }
    return signalled;
  }
}
