package dev.apkofarm.core.apk.repo;

import dev.apkofarm.core.apk.pkg.ApkLayout;
import dev.apkofarm.core.io.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads repository resources from a local path, a {@code file://} URL or {@code http(s)://} (via
 * {@link java.net.http}): with timeouts, retries of transient failures, a size limit, HTTP basic auth from
 * {@code HTTP_AUTH=basic:<host>:<user>:<password>} (as apko), and an on-disk cache of indexes and keys revalidated by
 * ETag. Offline, only that cache is used. Messages name locations, never credentials.
 */
public final class Fetcher {
  /** How a local file's validator starts: it is the digest of the file's bytes, never an HTTP ETag. */
  private static final String LOCAL_VALIDATOR_PREFIX = "file-sha256:";
  /** Where local paths are resolved and the HTTP cache lives, and how patient to be. */
  public record Options(
      Path workDir,
      Optional<Path> cacheDir,
      boolean offline,
      Duration timeout,
      int attempts,
      Optional<Auth> auth) {
    public Options {
      Objects.requireNonNull(workDir, "workDir");
      Objects.requireNonNull(cacheDir, "cacheDir");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(auth, "auth");
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be at least 1");
      }
    }

    /** Defaults: 60 s timeout, 3 attempts, auth from {@code $HTTP_AUTH}, the given cache directory. */
    public static Options defaults(Path workDir, Optional<Path> cacheDir) {
      return new Options(workDir, cacheDir, false, Duration.ofSeconds(60), 3, Auth.fromEnvironment());
    }

    public Options withOffline(boolean value) {
      return new Options(workDir, cacheDir, value, timeout, attempts, auth);
    }
  
    // equals and hashCode written out: a record's own bootstrap through method handles on first use, which spun some
    // sixty lambda forms for this one in an embedded submit (docs/engineering.md, "Start-up").
    @Override
    public boolean equals(Object o) {
      return o instanceof Options x && offline == x.offline && attempts == x.attempts && workDir.equals(x.workDir)
          && cacheDir.equals(x.cacheDir) && timeout.equals(x.timeout) && auth.equals(x.auth);
    }

    @Override
    public int hashCode() {
      int h = workDir.hashCode(); // the record's own formula
      h = 31 * h + cacheDir.hashCode();
      h = 31 * h + Boolean.hashCode(offline);
      h = 31 * h + timeout.hashCode();
      h = 31 * h + attempts;
      return 31 * h + auth.hashCode();
    }
  }

  /**
   * Basic credentials for one host.
   *
   * @param host the host they apply to
   */
  public record Auth(String host, String user, String password) {
    public Auth {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
    }

    /** Parses {@code basic:<host>:<user>:<password>}; empty for anything else. */
    public static Optional<Auth> parse(String value) {
      if (value == null || !value.startsWith("basic:")) {
        return Optional.empty();
      }
      String[] parts = value.split(":", 4);
      return parts.length == 4 ? Optional.of(new Auth(parts[1], parts[2], parts[3])) : Optional.empty();
    }

    static Optional<Auth> fromEnvironment() {
      return parse(System.getenv("HTTP_AUTH"));
    }

    String header() {
      return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Auth[" + host + ", " + user + ", ***]";
    }
  
    // Written out, as Options' are (above).
    @Override
    public boolean equals(Object o) {
      return o instanceof Auth x && host.equals(x.host) && user.equals(x.user) && password.equals(x.password);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * host.hashCode() + user.hashCode()) + password.hashCode(); // the record's own formula
    }
  }

  private final Options options;
  /** Made on the first remote fetch: a build from local repositories sets up no HTTP client and no TLS. */
  private HttpClient http;

  public Fetcher(Options options) {
    this.options = options;
  }

  private synchronized HttpClient http() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .connectTimeout(options.timeout())
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
    }
    return http;
  }

  public Options options() {
    return options;
  }

  /**
   * Whether a location is fetched over HTTP(S): the one rule for remote vs local (a local path or {@code file://}
   * is read from the filesystem of whoever locks, and a farm ships or stores its bytes instead).
   */
  public static boolean isRemote(String location) {
    return location.startsWith("https://") || location.startsWith("http://");
  }

  /** The local file a non-HTTP location names (a path relative to the working directory, or file://). */
  public Path localPath(String location) {
    if (location.startsWith("file://")) {
      return Path.of(URI.create(location));
    }
    return options.workDir().resolve(location).normalize();
  }

  /**
   * Fetches a small resource (an index or key) whole. Over HTTP it is cached on disk and revalidated by ETag;
   * offline the cached copy is used.
   *
   * @throws FetchException naming the location (with {@link FetchException#notFound()} when it does not exist)
   */
  public byte[] fetchBytes(String location, long maxBytes) throws IOException {
    if (!isRemote(location)) {
      return readLocal(location, maxBytes);
    }
    // Without a validator of the caller's the answer is always the content (the disk copy's on a 304).
    return ((Revalidated.Changed) fetchRemote(location, maxBytes, Optional.empty())).bytes();
  }

  /**
   * What a conditional fetch found: the resource is still what the caller's validator names, or here are its bytes.
   */
  public sealed interface Revalidated {
    /** The resource is what the validator the caller sent names: nothing was read. */
    record Unchanged() implements Revalidated {}

    /**
     * The resource now.
     *
     * @param bytes its content
     * @param validator what names this content for the next conditional fetch (an HTTP ETag; for a local file the
     *     digest of its bytes), empty when the server gives none
     */
    record Changed(byte[] bytes, Optional<String> validator) implements Revalidated {
      public Changed {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(validator, "validator");
      }
    }
  }

  /**
   * Fetches a small resource only if it is no longer what {@code validator} (from an earlier {@link
   * Revalidated.Changed}) names: over HTTP one request with {@code If-None-Match}, answered 304 when unchanged; a local
   * file is read and compared by digest (a local read costs no request, and a digest cannot be fooled by a rewrite
   * within one mtime tick); offline, the disk cache's ETag is compared. Without a validator this is {@link #fetchBytes}
   * that also returns the validator.
   *
   * @throws FetchException as {@link #fetchBytes}
   */
  public Revalidated fetchIfChanged(String location, long maxBytes, Optional<String> validator) throws IOException {
    if (isRemote(location)) {
      return fetchRemote(location, maxBytes, validator);
    }
    byte[] bytes = readLocal(location, maxBytes);
    String digest = LOCAL_VALIDATOR_PREFIX + HexFormat.of().formatHex(ApkLayout.newDigest("sha256").digest(bytes));
    return validator.filter(digest::equals).isPresent() ? new Revalidated.Unchanged()
        : new Revalidated.Changed(bytes, Optional.of(digest));
  }

  private byte[] readLocal(String location, long maxBytes) throws IOException {
    Path p = localPath(location);
    try {
      if (Files.size(p) > maxBytes) {
        throw new FetchException(location + " is larger than the limit of " + maxBytes + " bytes", false);
      }
      return Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      throw new FetchException(location + " does not exist", true);
    }
  }

  /**
   * A remote resource through the disk cache: with the caller's validator, a 304 is {@link Revalidated.Unchanged};
   * without one, the disk copy's ETag is sent and a 304 answers with the disk copy.
   */
  private Revalidated fetchRemote(String location, long maxBytes, Optional<String> validator) throws IOException {
    Optional<Path> cached = options.cacheDir().map(d -> d.resolve("http").resolve(cacheName(location)));
    Optional<byte[]> body = Optional.empty();
    Optional<String> etag = Optional.empty();
    if (cached.isPresent() && Files.exists(cached.get())) {
      body = Optional.of(Files.readAllBytes(cached.get()));
      Path etagFile = etagFile(cached.get());
      if (Files.exists(etagFile)) {
        etag = Optional.of(Files.readString(etagFile, StandardCharsets.UTF_8));
      }
    }
    if (options.offline()) {
      byte[] b = body.orElseThrow(() -> new FetchException("offline, and " + location + " is not in the cache", true));
      return validator.isPresent() && validator.equals(etag) ? new Revalidated.Unchanged()
          : new Revalidated.Changed(b, etag);
    }
    HttpRequest.Builder req = request(location);
    Optional<String> sent = validator.isPresent() ? validator : body.isPresent() ? etag : Optional.empty();
    sent.ifPresent(v -> req.header("If-None-Match", v));
    HttpResponse<InputStream> res = send(req.build(), location);
    try (InputStream in = res.body()) {
      if (res.statusCode() == 304 && validator.isPresent()) {
        return new Revalidated.Unchanged();
      }
      if (res.statusCode() == 304 && body.isPresent()) {
        return new Revalidated.Changed(body.get(), etag);
      }
      checkStatus(res, location);
      byte[] bytes = readLimited(in, maxBytes, location);
      Optional<String> received = res.headers().firstValue("ETag");
      if (cached.isPresent()) {
        store(cached.get(), bytes, received);
      }
      return new Revalidated.Changed(bytes, received);
    }
  }

  /**
   * Streams a resource into {@code target} (written under a temp name, then renamed), refusing more than
   * {@code maxBytes}.
   */
  public void fetchToFile(String location, Path target, long maxBytes) throws IOException {
    try (AtomicFile tmp = AtomicFile.beside(target)) {
      try (OutputStream out = tmp.newOutputStream()) {
        fetchTo(location, out, maxBytes);
      }
      tmp.commit(target);
    }
  }

  /**
   * Streams a resource into {@code out} (which the caller closes), refusing more than {@code maxBytes}: a caller
   * that digests or counts the bytes on their way to disk wraps {@code out}.
   */
  public void fetchTo(String location, OutputStream out, long maxBytes) throws IOException {
    if (!isRemote(location)) {
      Path p = localPath(location);
      try (InputStream in = Files.newInputStream(p)) {
        if (Files.size(p) > maxBytes) {
          throw new FetchException(location + " is larger than the limit of " + maxBytes + " bytes", false);
        }
        copyLimited(in, out, maxBytes, location);
      } catch (NoSuchFileException e) {
        throw new FetchException(location + " does not exist", true);
      }
      return;
    }
    if (options.offline()) {
      throw new FetchException("offline, and " + location + " is not in the cache", true);
    }
    HttpResponse<InputStream> res = send(request(location).build(), location);
    try (InputStream in = res.body()) {
      checkStatus(res, location);
      copyLimited(in, out, maxBytes, location);
    }
  }

  private HttpRequest.Builder request(String location) throws FetchException {
    URI uri;
    try {
      uri = URI.create(location);
    } catch (IllegalArgumentException e) {
      throw new FetchException("invalid URL " + redact(location), e);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(options.timeout()).GET();
    options
        .auth()
        .filter(a -> a.host().equalsIgnoreCase(uri.getHost()) || a.host().equalsIgnoreCase(uri.getAuthority()))
        .ifPresent(a -> b.header("Authorization", a.header()));
    return b;
  }

  /** Sends with retries of transport failures and 5xx/429 answers, backing off between attempts. */
  private HttpResponse<InputStream> send(HttpRequest req, String location) throws IOException {
    IOException last = null;
    for (int attempt = 1; attempt <= options.attempts(); attempt++) {
      try {
        HttpResponse<InputStream> res = http().send(req, HttpResponse.BodyHandlers.ofInputStream());
        int code = res.statusCode();
        if ((code >= 500 || code == 429) && attempt < options.attempts()) {
          res.body().close();
          last = new FetchException("fetching " + redact(location) + ": HTTP " + code, false);
        } else {
          return res;
        }
      } catch (IOException e) {
        last = new FetchException("fetching " + redact(location) + ": " + describe(req.uri(), e), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FetchException("interrupted while fetching " + redact(location), e);
      }
      if (attempt < options.attempts()) {
        backOff(attempt);
      }
    }
    throw last;
  }

  /**
   * A transport failure in words that name the host and the cause: the JDK's exceptions often carry no message at
   * all (a refused connection is a {@code ConnectException} with none).
   */
  static String describe(URI uri, IOException e) {
    String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    String detail = null;
    Class<?> kind = null;
    boolean unresolved = false;
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      root = t;
      if (detail == null && t.getMessage() != null && !t.getMessage().isBlank()) {
        detail = t.getMessage();
      }
      unresolved |= t instanceof java.net.UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException;
      if (kind == null && (t instanceof java.net.ConnectException || t instanceof java.net.http.HttpTimeoutException
          || t instanceof java.net.SocketTimeoutException)) {
        kind = t.getClass();
      }
    }
    String why = detail != null ? detail : root.getClass().getSimpleName();
    if (unresolved) {
      return "cannot resolve host " + uri.getHost() + " (no network, or no such host)";
    }
    if (kind != null && java.net.ConnectException.class.isAssignableFrom(kind)) {
      return "cannot connect to " + host + " (ConnectException: " + why + "; is the network up and the server"
          + " running?)";
    }
    if (kind != null) {
      return "no answer from " + host + " in time (" + kind.getSimpleName() + ": " + why + ")";
    }
    return "connection to " + host + " failed (" + e.getClass().getSimpleName() + ": " + why + ")";
  }

  private static void backOff(int attempt) throws FetchException {
    try {
      // Retry pacing for a flaky server, not test synchronisation.
      Thread.sleep(250L << (attempt - 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FetchException("interrupted while retrying", e);
    }
  }

  private static void checkStatus(HttpResponse<?> res, String location) throws FetchException {
    int code = res.statusCode();
    if (code / 100 != 2) {
      String hint = code == 401 || code == 403 ? " (set HTTP_AUTH=basic:<host>:<user>:<password>)" : "";
      throw new FetchException("fetching " + redact(location) + ": HTTP " + code + hint, code == 404 || code == 410);
    }
  }

  private static byte[] readLimited(InputStream in, long max, String location) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    copyLimited(in, out, max, location);
    return out.toByteArray();
  }

  private static void copyLimited(InputStream in, OutputStream out, long max, String location) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > max) {
        throw new FetchException(redact(location) + " is larger than the limit of " + max + " bytes", false);
      }
      out.write(buf, 0, n);
    }
  }

  private static void store(Path file, byte[] bytes, Optional<String> etag) throws IOException {
    AtomicFile.write(file, bytes);
    Path etagFile = etagFile(file);
    if (etag.isPresent()) {
      Files.writeString(etagFile, etag.get(), StandardCharsets.UTF_8);
    } else {
      Files.deleteIfExists(etagFile);
    }
  }

  private static Path etagFile(Path body) {
    return body.resolveSibling(body.getFileName() + ".etag");
  }

  private static String cacheName(String location) {
    byte[] h = ApkLayout.newDigest("sha256").digest(location.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(h);
  }

  /** The location without user info (what messages show). */
  public static String redact(String location) {
    int scheme = location.indexOf("://");
    int at = location.indexOf('@');
    int slash = scheme < 0 ? -1 : location.indexOf('/', scheme + 3);
    if (scheme >= 0 && at > scheme && (slash < 0 || at < slash)) {
      return location.substring(0, scheme + 3) + location.substring(at + 1);
    }
    return location;
  }
}
