package dev.apkofarm.client.farm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP apk repository on loopback serving a directory, counting package downloads, with a gate that holds
 * package downloads while closed (a slow repository: it keeps a build in its fetch stage for as long as a test needs).
 */
final class HttpRepository implements AutoCloseable {
  private final HttpServer server;
  private final Path root;
  private final Map<String, AtomicInteger> packageGets = new ConcurrentHashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);

  HttpRepository(Path root) throws IOException {
    this.root = root;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::serve);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "http-repository");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Holds package downloads until {@link #open()}. */
  void close(boolean closed) {
    gate = closed ? new CountDownLatch(1) : new CountDownLatch(0);
  }

  void open() {
    gate.countDown();
  }

  /** Package downloads held at the gate right now. */
  int waiting() {
    return waiting.get();
  }

  /** Package downloads served so far (all packages). */
  int packageDownloads() {
    return packageGets.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Downloads served so far of the packages whose path ends with {@code fileName}. */
  int packageDownloads(String fileName) {
    return packageGets.entrySet().stream().filter(e -> e.getKey().endsWith("/" + fileName))
        .mapToInt(e -> e.getValue().get()).sum();
  }

  private void serve(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    Path file = root.resolve(path.substring(1)).normalize();
    try (ex) {
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      if (path.endsWith(".apk")) {
        waiting.incrementAndGet();
        try {
          if (!gate.await(2, TimeUnit.MINUTES)) {
            ex.sendResponseHeaders(503, -1);
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } finally {
          waiting.decrementAndGet();
        }
        packageGets.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
      }
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(200, -1);
        return;
      }
      ex.sendResponseHeaders(200, Files.size(file));
      try (OutputStream out = ex.getResponseBody()) {
        Files.copy(file, out); // streamed: a test package may be larger than this JVM's heap
      }
    }
  }

  @Override
  public void close() {
    open();
    server.stop(0);
  }
}
