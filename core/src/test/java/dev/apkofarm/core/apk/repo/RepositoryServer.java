package dev.apkofarm.core.apk.repo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.apkofarm.core.apk.pkg.ApkLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 serving a directory as an apk repository, with ETags, optional basic auth and a
 * number of injected 500 answers, recording every request.
 */
final class RepositoryServer implements AutoCloseable {
  private final HttpServer server;
  private final Path root;
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger failuresToInject = new AtomicInteger();
  volatile String requiredAuth;

  RepositoryServer(Path root) throws IOException {
    this.root = root;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void requireBasicAuth(String user, String password) {
    requiredAuth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String etagSent = ex.getRequestHeaders().getFirst("If-None-Match");
      requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + (etagSent != null ? " (etag)" : ""));
      if (requiredAuth != null && !requiredAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.sendResponseHeaders(401, -1);
        return;
      }
      if (failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        ex.sendResponseHeaders(500, -1);
        return;
      }
      Path file = root.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = Files.readAllBytes(file);
      String etag = "\"" + HexFormat.of().formatHex(ApkLayout.newDigest("sha1").digest(body)) + "\"";
      ex.getResponseHeaders().add("ETag", etag);
      if (etag.equals(etagSent)) {
        ex.sendResponseHeaders(304, -1);
        return;
      }
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
