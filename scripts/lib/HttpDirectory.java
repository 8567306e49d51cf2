import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * A static HTTP server for the benchmarks: serves DIR on 127.0.0.1 (any free port, printed as "listening on
 * 127.0.0.1:PORT"), streaming each file (never whole in memory), and appends "GET <path>" to LOG for every download of
 * an .apk, so a benchmark can count upstream fetches. Run as a single-file program:
 * {@code java scripts/lib/HttpDirectory.java DIR LOG}.
 */
public final class HttpDirectory {
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java HttpDirectory.java DIR LOG");
      System.exit(2);
    }
    Path root = Path.of(args[0]).toAbsolutePath().normalize();
    PrintStream log = new PrintStream(Files.newOutputStream(Path.of(args[1])), true, StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", ex -> serve(root, log, ex));
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    System.out.println("listening on 127.0.0.1:" + server.getAddress().getPort());
    System.out.flush();
  }

  private static void serve(Path root, PrintStream log, HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      Path file = root.resolve(path.substring(1)).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(200, -1);
        return;
      }
      if (path.endsWith(".apk")) {
        log.println("GET " + path);
      }
      ex.sendResponseHeaders(200, Files.size(file));
      try (OutputStream out = ex.getResponseBody()) {
        Files.copy(file, out);
      }
    }
  }
}
