package dev.apkofarm.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A real registry for tests: Debian's {@code docker-registry} (distribution 2.8) serving a temporary storage
 * directory on 127.0.0.1, optionally with htpasswd (bcrypt) auth, TLS, or token auth. Started from the test, stopped
 * by {@link #close()}; it binds port 0 (the system picks a free port: nothing can take it between a choice and the
 * bind) and is ready once it logs the address it listens on, which names the port.
 */
public final class LocalRegistry implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path storage;
  private final Path log;
  private final boolean tls;
  private final LogLines lines;

  private LocalRegistry(Process process, int port, Path storage, Path log, boolean tls, LogLines lines) {
    this.process = process;
    this.port = port;
    this.storage = storage;
    this.log = log;
    this.tls = tls;
    this.lines = lines;
  }

  /**
   * One request the registry served, from its access log ({@link Builder#accessLog()}).
   *
   * @param method e.g. {@code HEAD}
   * @param path e.g. {@code /v2/team/app/blobs/sha256:...}
   * @param status the HTTP status it answered
   */
  public record Request(String method, String path, int status) {
    /** A request on a blob ({@code /v2/<name>/blobs/<digest>}). */
    public boolean onBlob() {
      return path.matches("/v2/.+/blobs/sha256:[0-9a-f]{64}");
    }

    /** A request of a blob upload session ({@code POST/PATCH/PUT /v2/<name>/blobs/uploads/...}). */
    public boolean upload() {
      return path.matches("/v2/.+/blobs/uploads/.*");
    }
  }

  /** The line distribution logs once it serves: {@code listening on 127.0.0.1:PORT} (", tls" may follow). */
  private static final Pattern LISTENING = Pattern.compile("listening on [^\\s\",]*:([0-9]+)");

  private static final Pattern ACCESS =
      Pattern.compile("\"([A-Z]+) (\\S+) HTTP/[0-9.]+\" ([0-9]{3}) ");

  /**
   * Every request the registry has served so far, in the order it logged them (needs {@link Builder#accessLog()} and
   * plain HTTP). First sends a marker request of its own and waits until the registry has logged it, so every request
   * answered before this call is in the list.
   */
  public List<Request> requests() throws IOException, InterruptedException {
    if (tls) {
      throw new IllegalStateException("requests() reads a plain-HTTP registry's access log");
    }
    String marker = "/v2/apkofarm-marker/" + UUID.randomUUID().toString().replace("-", "") + "/tags/list";
    HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://" + host() + marker)).build(),
        HttpResponse.BodyHandlers.discarding());
    List<String> logged = lines.awaitLine(marker, Duration.ofSeconds(30));
    List<Request> out = new ArrayList<>();
    for (String line : logged) {
      if (line.contains(marker)) {
        break;
      }
      Matcher m = ACCESS.matcher(line);
      if (m.find() && !m.group(2).startsWith("/v2/apkofarm-marker/")) {
        out.add(new Request(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
      }
    }
    return out;
  }

  /** The registry's output lines as they arrive, for waiting on one. */
  private static final class LogLines {
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    synchronized void add(String line) {
      lines.add(line);
      notifyAll();
    }

    synchronized void end() {
      ended = true;
      notifyAll();
    }

    /** All lines up to now, once one contains {@code text}. */
    synchronized List<String> awaitLine(String text, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (lines.stream().noneMatch(l -> l.contains(text))) {
        long left = deadline - System.nanoTime();
        if (ended || left <= 0) {
          throw new IllegalStateException("the registry did not log " + text + (ended ? " (it exited)" : ""));
        }
        wait(Math.max(1, left / 1_000_000));
      }
      return List.copyOf(lines);
    }
  }

  /** A plain-HTTP registry without auth in {@code dir}. */
  public static LocalRegistry start(Path dir) throws IOException, InterruptedException {
    return builder().start(dir);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /**
   * Writes {@code dir/config.json}, a docker config holding {@code user:password} for this registry as
   * {@code docker login} leaves it, and returns that file.
   */
  public Path writeDockerConfig(Path dir, String user, String password) throws IOException {
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    Path file = Files.createDirectories(dir).resolve("config.json");
    Files.writeString(file, "{\"auths\":{\"" + host() + "\":{\"auth\":\"" + auth + "\"}}}");
    return file;
  }

  public int port() {
    return port;
  }

  public boolean tls() {
    return tls;
  }

  /** The storage root directory. */
  public Path storage() {
    return storage;
  }

  /** What the registry logged so far, for assertion messages. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Options for the registry process. */
  public static final class Builder {
    private final List<String[]> users = new ArrayList<>();
    private TestCertificates certificates;
    private String tokenRealm;
    private String tokenService;
    private String tokenIssuer;
    private Path tokenRootCertificate;
    private boolean accessLog;

    private Builder() {}

    /** Logs every request (method, path, status), for {@link LocalRegistry#requests()}. */
    public Builder accessLog() {
      this.accessLog = true;
      return this;
    }

    /** Requires basic auth against an htpasswd file with this (bcrypt-hashed) user. */
    public Builder user(String name, String password) {
      users.add(new String[] {name, password});
      return this;
    }

    /** Serves HTTPS with this server certificate. */
    public Builder tls(TestCertificates c) {
      this.certificates = c;
      return this;
    }

    /** Requires bearer tokens from {@code realm}, signed by the key of {@code rootCertificate}. */
    public Builder tokenAuth(String realm, String service, String issuer, Path rootCertificate) {
      this.tokenRealm = realm;
      this.tokenService = service;
      this.tokenIssuer = issuer;
      this.tokenRootCertificate = rootCertificate;
      return this;
    }

    /** Starts the registry with its storage, config and log under {@code dir}. */
    public LocalRegistry start(Path dir) throws IOException, InterruptedException {
      Path exe = ExternalTools.require("docker-registry");
      Path storage = Files.createDirectories(dir.resolve("storage"));
      StringBuilder yml = new StringBuilder();
      yml.append("version: 0.1\n")
          .append("log:\n  level: info\n  accesslog:\n    disabled: ").append(!accessLog).append('\n')
          .append("storage:\n  filesystem:\n    rootdirectory: ").append(storage).append('\n')
          .append("  delete:\n    enabled: true\n")
          .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
          .append("http:\n  addr: 127.0.0.1:0\n")
          .append("  secret: apkofarm-test-secret\n");
      if (certificates != null) {
        yml.append("  tls:\n    certificate: ").append(certificates.serverCertificate()).append('\n')
            .append("    key: ").append(certificates.serverKey()).append('\n');
      }
      if (!users.isEmpty()) {
        Path htpasswd = dir.resolve("htpasswd");
        StringBuilder lines = new StringBuilder();
        SecureRandom random = new SecureRandom();
        for (String[] u : users) {
          byte[] salt = new byte[16];
          random.nextBytes(salt);
          lines.append(u[0]).append(':').append(OpenBSDBCrypt.generate("2a", u[1].toCharArray(), salt, 6))
              .append('\n');
        }
        Files.writeString(htpasswd, lines);
        yml.append("auth:\n  htpasswd:\n    realm: apkofarm-test\n    path: ").append(htpasswd).append('\n');
      } else if (tokenRealm != null) {
        yml.append("auth:\n  token:\n    realm: ").append(tokenRealm).append('\n')
            .append("    service: ").append(tokenService).append('\n')
            .append("    issuer: ").append(tokenIssuer).append('\n')
            .append("    rootcertbundle: ").append(tokenRootCertificate).append('\n');
      }
      Path config = dir.resolve("config.yml");
      Files.writeString(config, yml);
      Path log = dir.resolve("registry.log");
      Process p =
          new ProcessBuilder(exe.toString(), "serve", config.toString())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      CountDownLatch listening = new CountDownLatch(1);
      AtomicInteger port = new AtomicInteger(-1);
      LogLines lines = new LogLines();
      Thread pump =
          new Thread(
              () -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                  for (String line; (line = r.readLine()) != null; ) {
                    w.write(line);
                    w.write('\n');
                    w.flush();
                    lines.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                      port.set(Integer.parseInt(m.group(1)));
                      listening.countDown();
                    }
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                } finally {
                  lines.end();
                  listening.countDown();
                }
              },
              "docker-registry-log-" + dir.getFileName());
      pump.setDaemon(true);
      pump.start();
      if (!listening.await(120, TimeUnit.SECONDS) || !p.isAlive() || port.get() < 0) {
        p.destroyForcibly();
        throw new IllegalStateException("docker-registry did not start:\n" + Files.readString(log));
      }
      return new LocalRegistry(p, port.get(), storage, log, certificates != null, lines);
    }
  }

  /** The file of a blob in the storage (to check what the registry stored). */
  public Optional<Path> blobFile(String hex) {
    Path p = storage.resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex)
        .resolve("data");
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }
}
