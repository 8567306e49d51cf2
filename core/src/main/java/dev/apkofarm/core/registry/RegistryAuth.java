package dev.apkofarm.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication to one registry: answers {@code WWW-Authenticate} challenges with basic auth or with a bearer token
 * from the challenge's token endpoint (docker token auth, including the OAuth2 refresh-token grant for identity
 * tokens), caching tokens per scope set until they expire. Credentials are looked up only when a challenge asks for
 * them, and every secret is registered with the {@link Redactor}.
 */
final class RegistryAuth {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryAuth.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long DEFAULT_TOKEN_SECONDS = 60;

  private final String registry;
  private final CredentialSource source;
  private final HttpClient client;
  private final Redactor redactor;
  private final RegistryOptions options;
  private final Clock clock;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private volatile AuthChallenge challenge;
  private volatile Optional<Credential> credential;

  private record Token(String value, Instant expires) {}

  RegistryAuth(String registry, RegistryOptions options, HttpClient client, Redactor redactor, Clock clock) {
    this.registry = registry;
    this.source = options.credentials();
    this.options = options;
    this.client = client;
    this.redactor = redactor;
    this.clock = clock;
  }

  /** Records the challenge a ping ({@code GET /v2/}) answered with, so later requests authenticate up front. */
  void observePing(int status, Optional<String> wwwAuthenticate) {
    if (status == 401) {
      wwwAuthenticate.flatMap(AuthChallenge::parse).ifPresent(c -> challenge = c);
    }
  }

  /** The {@code Authorization} value for a request that needs {@code scopes}, if the registry wants one. */
  Optional<String> header(List<String> scopes) throws IOException {
    AuthChallenge c = challenge;
    if (c == null) {
      return Optional.empty();
    }
    if (c.isBasic()) {
      return credential().map(this::basicHeader);
    }
    return Optional.of("Bearer " + token(c, scopes));
  }

  /**
   * A request got 401. Notes the challenge and says whether trying again can help (true once after a new
   * challenge or an expired token; false when there is nothing different to send).
   */
  boolean onUnauthorized(Optional<String> wwwAuthenticate, List<String> scopes, boolean sentAuthorization)
      throws IOException {
    Optional<AuthChallenge> parsed = wwwAuthenticate.flatMap(AuthChallenge::parse);
    if (parsed.isEmpty()) {
      return false;
    }
    AuthChallenge previous = challenge;
    AuthChallenge c = parsed.get();
    challenge = c;
    if (c.isBasic()) {
      boolean alreadySentBasic = sentAuthorization && previous != null && previous.isBasic();
      return !alreadySentBasic && credential().isPresent();
    }
    tokens.remove(scopeKey(withChallengeScope(c, scopes)));
    tokens.remove(scopeKey(scopes));
    return true;
  }

  /** The exception for a request the registry still refuses after authenticating. */
  RegistryAuthException rejected(String operation, int status, String registryError) throws IOException {
    if (status == 403) {
      return new RegistryAuthException(
          registry, status, operation + ": access denied (" + registryError + "); check the account's permissions");
    }
    if (credential().isEmpty()) {
      return new RegistryAuthException(
          registry,
          status,
          operation + ": authentication required (" + registryError + ") and " + source.describe()
              + " has no credentials for " + registry);
    }
    return new RegistryAuthException(
        registry,
        status,
        operation + ": the registry rejected the credentials from " + source.describe() + " (" + registryError
            + ")");
  }

  private Optional<Credential> credential() throws IOException {
    Optional<Credential> c = credential;
    if (c == null) {
      synchronized (this) {
        if (credential == null) {
          credential = source.lookup(registry);
          credential.ifPresent(
              cred -> {
                redactor.register(cred.secret());
                redactor.register(cred.username());
                redactor.register(basicValue(cred));
              });
          LOG.debug("registry {}: credentials {} in {}", registry, credential.isPresent() ? "found" : "not found",
              source.describe());
        }
        c = credential;
      }
    }
    return c;
  }

  private String basicHeader(Credential c) {
    return "Basic " + basicValue(c);
  }

  private static String basicValue(Credential c) {
    return Base64.getEncoder().encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> withChallengeScope(AuthChallenge c, List<String> scopes) {
    TreeSet<String> all = new TreeSet<>(scopes);
    c.param("scope").ifPresent(s -> all.addAll(List.of(s.split(" "))));
    return List.copyOf(all);
  }

  private static String scopeKey(List<String> scopes) {
    return String.join(" ", new TreeSet<>(scopes));
  }

  private String token(AuthChallenge c, List<String> requested) throws IOException {
    List<String> scopes = withChallengeScope(c, requested);
    String key = scopeKey(scopes);
    Token t = tokens.get(key);
    if (t != null && clock.instant().isBefore(t.expires())) {
      return t.value();
    }
    Token fresh = fetchToken(c, scopes);
    tokens.put(key, fresh);
    return fresh.value();
  }

  private Token fetchToken(AuthChallenge c, List<String> scopes) throws IOException {
    String realm =
        c.param("realm")
            .orElseThrow(() -> new RegistryAuthException(registry, "bearer challenge without a realm"));
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw new RegistryAuthException(registry, "bearer challenge with an invalid realm: " + e.getMessage());
    }
    Optional<Credential> cred = credential();
    if (cred.isPresent() && !"https".equalsIgnoreCase(realmUri.getScheme())
        && !Transport.plainHttpAllowed(realmUri.getAuthority(), options)) {
      throw new RegistryAuthException(
          registry,
          "token service " + realm + " is not HTTPS; refusing to send credentials (allow it with"
              + " --insecure-registry " + realmUri.getAuthority() + ")");
    }
    StringBuilder query = new StringBuilder();
    c.param("service").ifPresent(s -> appendParam(query, "service", s));
    for (String s : scopes) {
      appendParam(query, "scope", s);
    }
    HttpRequest.Builder request;
    if (cred.isPresent() && cred.get().isIdentityToken()) {
      // OAuth2 refresh-token grant: what docker does with an identity token from `docker login`.
      StringBuilder form = new StringBuilder(query);
      appendParam(form, "grant_type", "refresh_token");
      appendParam(form, "refresh_token", cred.get().secret());
      appendParam(form, "client_id", "apko-farm");
      request =
          HttpRequest.newBuilder(realmUri)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
    } else {
      String sep = realm.contains("?") ? "&" : "?";
      request = HttpRequest.newBuilder(URI.create(realm + (query.length() == 0 ? "" : sep + query))).GET();
      cred.ifPresent(value -> request.header("Authorization", basicHeader(value)));
    }
    request.timeout(options.requestTimeout()).header("User-Agent", Transport.USER_AGENT);
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching a token from " + realmUri.getAuthority());
    } catch (IOException e) {
      throw new RegistryException(
          registry, "cannot reach token service " + stripQuery(realmUri) + ": " + redactor.scrub(e.toString()));
    }
    String body = new String(response.body(), StandardCharsets.UTF_8);
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw new RegistryAuthException(
          registry,
          response.statusCode(),
          "token service " + stripQuery(realmUri) + " rejected the credentials from " + source.describe() + " ("
              + response.statusCode() + (cred.isEmpty() ? ", no credentials for " + registry : "") + ")");
    }
    if (response.statusCode() != 200) {
      throw new RegistryException(
          registry,
          "token service " + stripQuery(realmUri) + " answered " + response.statusCode() + ": "
              + redactor.scrub(Transport.abbreviate(body)));
    }
    JsonNode json = JSON.readTree(body);
    String token = json.path("token").asText(json.path("access_token").asText(""));
    if (token.isEmpty()) {
      throw new RegistryException(registry, "token service " + stripQuery(realmUri) + " returned no token");
    }
    redactor.register(token);
    long seconds = json.path("expires_in").asLong(DEFAULT_TOKEN_SECONDS);
    // Renew a little early so a token never expires between being chosen and being checked.
    Instant expires = clock.instant().plusSeconds(Math.max(seconds - 10, 1));
    LOG.debug("registry {}: token for {} valid {} s", registry, scopes, seconds);
    return new Token(token, expires);
  }

  private static void appendParam(StringBuilder sb, String name, String value) {
    if (sb.length() > 0) {
      sb.append('&');
    }
    sb.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  private static String stripQuery(URI uri) {
    return uri.getScheme() + "://" + uri.getAuthority() + (uri.getPath() == null ? "" : uri.getPath());
  }
}
