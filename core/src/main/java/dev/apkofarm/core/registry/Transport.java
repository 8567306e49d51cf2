package dev.apkofarm.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.EngineVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to one registry with {@code java.net.http}: picks HTTPS (plain HTTP only for loopback hosts or an explicit
 * insecure registry, when the server does not speak TLS), authenticates through {@link RegistryAuth}, retries
 * 429/5xx and broken connections with backoff, and never follows redirects (so no credential travels to another
 * host). Messages built from responses pass through the {@link Redactor}.
 */
final class Transport {
  private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_RESPONSE_BYTES = 8 << 20;
  static final String USER_AGENT = "apko-farm/" + EngineVersion.get();
  private static final java.util.regex.Pattern LOOPBACK_V4 =
      java.util.regex.Pattern.compile("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");

  private final String registry;
  private final String host;
  private final RegistryOptions options;
  private final HttpClient client;
  private final RegistryAuth auth;
  private final Redactor redactor;
  private final PushCounters counters;
  private volatile URI base;

  /** A response whose body (bounded) has been read. */
  record Response(int status, HttpHeaders headers, byte[] body, URI uri) {
    Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** One logical request: retried and re-authenticated as needed, so its body must be re-suppliable. */
  static final class Call {
    final String method;
    final String target;
    final String operation;
    final List<String> scopes;
    final List<String[]> headers = new ArrayList<>();
    Supplier<HttpRequest.BodyPublisher> body;
    boolean retry = true;

    Call(String method, String target, String operation, List<String> scopes) {
      this.method = method;
      this.target = target;
      this.operation = operation;
      this.scopes = List.copyOf(scopes);
    }

    Call header(String name, String value) {
      headers.add(new String[] {name, value});
      return this;
    }

    Call body(Supplier<HttpRequest.BodyPublisher> b) {
      this.body = b;
      return this;
    }

    /** No automatic retry: the caller recovers (uploads resume from the registry's offset instead). */
    Call noRetry() {
      this.retry = false;
      return this;
    }
  }

  Transport(String registry, String host, RegistryOptions options, PushCounters counters, Clock clock)
      throws BadInputException {
    this.registry = registry;
    this.host = host;
    this.options = options;
    this.counters = counters;
    this.redactor = new Redactor();
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(options.connectTimeout())
            .sslContext(TlsTrust.context(options.caCertificates()))
            .build();
    this.auth = new RegistryAuth(registry, options, client, redactor, clock);
  }

  String registry() {
    return registry;
  }

  Redactor redactor() {
    return redactor;
  }

  /** Whether {@code authority} (host[:port]) may be spoken to over plain HTTP. */
  static boolean plainHttpAllowed(String authority, RegistryOptions options) {
    if (authority == null) {
      return false;
    }
    if (options.insecureRegistries().contains(authority)) {
      return true;
    }
    String h = hostOnly(authority);
    if (options.insecureRegistries().contains(h)) {
      return true;
    }
    return h.equals("localhost") || h.equals("::1") || LOOPBACK_V4.matcher(h).matches();
  }

  private static String hostOnly(String authority) {
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(1, end);
    }
    int colon = authority.lastIndexOf(':');
    return (colon < 0 ? authority : authority.substring(0, colon)).toLowerCase(Locale.ROOT);
  }

  /** {@code target} as an absolute URI: API paths and relative {@code Location}s resolve against the registry. */
  URI resolve(String target) throws IOException {
    if (target.startsWith("http://") || target.startsWith("https://")) {
      return URI.create(target);
    }
    return base().resolve(target);
  }

  Response send(Call call) throws IOException {
    boolean challenged = false;
    int attempt = 0;
    while (true) {
      attempt++;
      URI uri = resolve(call.target);
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(options.requestTimeout());
      b.header("User-Agent", USER_AGENT);
      for (String[] h : call.headers) {
        b.header(h[0], h[1]);
      }
      // Only the registry's own host gets credentials (an upload Location may point at storage elsewhere).
      boolean sameHost = host.equalsIgnoreCase(uri.getAuthority());
      Optional<String> authorization = sameHost ? auth.header(call.scopes) : Optional.empty();
      authorization.ifPresent(a -> b.header("Authorization", a));
      b.method(call.method, call.body == null ? HttpRequest.BodyPublishers.noBody() : call.body.get());
      Response response;
      try {
        response = exchange(b.build());
      } catch (IOException e) {
        if (!call.retry || attempt >= options.retry().maxAttempts()) {
          throw new RegistryException(
              registry, OptionalInt.empty(), call.operation + ": " + redactor.scrub(describe(e)), e);
        }
        backoff(call, describe(e), attempt, Optional.empty());
        continue;
      }
      LOG.debug("{} {} -> {}", call.method, pathOnly(uri), response.status());
      int status = response.status();
      if (status == 401 && !challenged) {
        challenged = true;
        if (auth.onUnauthorized(response.header("WWW-Authenticate"), call.scopes, authorization.isPresent())) {
          attempt--;
          continue;
        }
      }
      if (status == 401 || status == 403) {
        throw auth.rejected(call.operation, status, errorText(response));
      }
      if ((status == 429 || status == 500 || status == 502 || status == 503 || status == 504)
          && call.retry
          && attempt < options.retry().maxAttempts()) {
        backoff(call, status + " " + errorText(response), attempt, response.header("Retry-After"));
        continue;
      }
      return response;
    }
  }

  /** The exception for an unexpected response, with the registry's error code and message. */
  RegistryException unexpected(String operation, Response r) {
    return new RegistryException(
        registry, OptionalInt.of(r.status()), operation + ": " + r.status() + " " + errorText(r), null);
  }

  /** The registry's error codes and messages ({@code errors[].code: message}), else the start of the body. */
  String errorText(Response r) {
    String text = r.text();
    try {
      JsonNode errors = JSON.readTree(text).path("errors");
      if (errors.isArray() && errors.size() > 0) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : errors) {
          parts.add(e.path("code").asText("?") + ": " + e.path("message").asText(""));
        }
        return redactor.scrub(String.join("; ", parts));
      }
    } catch (IOException | RuntimeException notJson) {
      // fall through to the raw text
    }
    return redactor.scrub(abbreviate(text.isBlank() ? "(no body)" : text));
  }

  static String abbreviate(String s) {
    String oneLine = s.replaceAll("\\s+", " ").trim();
    return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
  }

  private void backoff(Call call, String reason, int attempt, Optional<String> retryAfter)
      throws InterruptedIOException {
    long delay = options.retry().backoff(attempt).toMillis();
    if (retryAfter.isPresent()) {
      try {
        long asked = Duration.ofSeconds(Long.parseLong(retryAfter.get().trim())).toMillis();
        delay = Math.min(Math.max(delay, asked), options.retry().maxBackoff().toMillis());
      } catch (NumberFormatException ignored) {
        // an HTTP date; our own backoff is good enough
      }
    }
    String scrubbed = redactor.scrub(reason);
    counters.retries.incrementAndGet();
    LOG.info("registry {}: {} failed ({}), retrying in {} ms", registry, call.operation, scrubbed, delay);
    options.listener().accept(new PushEvent.RequestRetried(call.operation, scrubbed, attempt, delay));
    sleep(delay);
  }

  private static void sleep(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during retry backoff");
    }
  }

  private Response exchange(HttpRequest request) throws IOException {
    try {
      HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = r.body()) {
        body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
      }
      if (body.length > MAX_RESPONSE_BYTES) {
        throw new IOException("response larger than " + MAX_RESPONSE_BYTES + " bytes");
      }
      return new Response(r.statusCode(), r.headers(), body, r.uri());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted: " + request.method() + " " + pathOnly(request.uri()));
    }
  }

  private URI base() throws IOException {
    URI b = base;
    if (b == null) {
      synchronized (this) {
        if (base == null) {
          base = discover();
        }
        b = base;
      }
    }
    return b;
  }

  /** Pings {@code /v2/} over HTTPS, or plain HTTP where allowed and the server does not speak TLS. */
  private URI discover() throws IOException {
    boolean plainAllowed = plainHttpAllowed(host, options);
    URI https = URI.create("https://" + host + "/");
    try {
      ping(https);
      return https;
    } catch (SSLException e) {
      if (!plainAllowed || isCertificateProblem(e)) {
        throw new RegistryException(
            registry,
            OptionalInt.empty(),
            "TLS connection to https://" + host + " failed: " + e.getMessage()
                + (isCertificateProblem(e) ? " (pass the registry's CA certificate with --ca-cert FILE)" : ""),
            e);
      }
      LOG.debug("registry {} does not speak TLS ({}); using plain HTTP", registry, e.getMessage());
    } catch (ConnectException e) {
      boolean explicitPort = host.matches(".*:[0-9]+$");
      if (!plainAllowed || explicitPort) {
        throw new RegistryException(registry, OptionalInt.empty(), "cannot connect to https://" + host + ": "
            + describe(e), e);
      }
    }
    URI http = URI.create("http://" + host + "/");
    try {
      ping(http);
    } catch (IOException e) {
      throw new RegistryException(registry, OptionalInt.empty(), "cannot reach http://" + host + ": "
          + describe(e), e);
    }
    return http;
  }

  private void ping(URI root) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(root.resolve("/v2/"))
            .timeout(options.requestTimeout())
            .header("User-Agent", USER_AGENT)
            .GET()
            .build();
    Response r = exchange(request);
    LOG.debug("GET {}v2/ -> {}", root, r.status());
    auth.observePing(r.status(), r.header("WWW-Authenticate"));
  }

  private static boolean isCertificateProblem(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CertificateException
          || c instanceof java.security.cert.CertPathValidatorException
          || c.getClass().getName().startsWith("sun.security.validator")) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  /** A URI for logs: scheme, authority and path, without the query (upload state, signed URLs). */
  static String pathOnly(URI uri) {
    return uri.getScheme() + "://" + uri.getAuthority() + uri.getRawPath();
  }
}
