package dev.apkofarm.core.apk.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.apk.sign.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * apko's key discovery for remote repositories, so a config needs no {@code keyring} for Alpine or Chainguard
 * repositories:
 *
 * <ul>
 *   <li>Alpine: a repository {@code http(s)://…/alpine/<release>/<name>} names a release; its keys for the arch are
 *       the ones Alpine's {@code releases.json} lists for that release branch and arch and not deprecated by
 *       today ({@code %20} in a listed URL read as {@code @}, as apko does), each installed under its unescaped file
 *       name;
 *   <li>Chainguard: {@code <repository>/apk-configuration} gives a {@code jwks_uri}; each RSA key of that JWKS is the
 *       key {@code <kid>.rsa.pub}, found at {@code <repository>/<kid>.rsa.pub} (the URL a lock records). A
 *       repository without that document (404) has no discovered keys.
 * </ul>
 *
 * <p>Every key must parse as an RSA public key, and keys only ever add to the keyring: an index still verifies
 * against a key or it is refused. apko pins no fingerprints for discovered keys, and neither do we (a lock pins them
 * by content). Everything is fetched through the {@link Fetcher}, so it is cached and revalidated, and works offline
 * from the cache. As in apko, a Chainguard discovery that fails is only noted; an Alpine one fails the build unless
 * offline or the release lists no keys.
 */
public final class KeyDiscovery {
  /** Where Alpine publishes its releases and their keys. */
  public static final String ALPINE_RELEASES = "https://alpinelinux.org/releases.json";
  // Looked up when something is logged: see Repositories.log().
  private static Logger log() {
    return LoggerFactory.getLogger(KeyDiscovery.class);
  }
  private static final Pattern ALPINE = Pattern.compile("^https?://.+/alpine/([^/]+)/[^/]+$");
  private static final long MAX_DOCUMENT = 4 << 20;
  private static final long MAX_KEY = 1 << 20;

  /** Made on first use: discovery reads JSON only for remote repositories, so a local build sets up no Jackson. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  /**
   * A discovered key.
   *
   * @param url where it was found (what a lock records)
   * @param fileName its name in {@code /etc/apk/keys}
   * @param pem the key, PEM
   */
  public record Key(String url, String fileName, byte[] pem) {
    public Key {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(fileName, "fileName");
      pem = pem.clone();
    }

    @Override
    public byte[] pem() {
      return pem.clone();
    }
  }

  private final Fetcher fetcher;
  private final String alpineReleases;
  private final Clock clock;

  /**
   * @param alpineReleases the URL of Alpine's {@code releases.json} ({@link #ALPINE_RELEASES}; tests serve their own)
   * @param clock decides which keys are deprecated
   */
  public KeyDiscovery(Fetcher fetcher, String alpineReleases, Clock clock) {
    this.fetcher = fetcher;
    this.alpineReleases = alpineReleases;
    this.clock = clock;
  }

  /** The Alpine release a repository URL names ({@code v3.22}, {@code edge}), if it is an Alpine repository. */
  static java.util.Optional<String> alpineRelease(String repository) {
    Matcher m = ALPINE.matcher(repository);
    return m.matches() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
  }

  /** Keys for one repository entry (a URL, possibly {@code @tag URL}) and apk arch; none for a local one. */
  public List<Key> discover(String entry, String apkArch) throws BadInputException, IOException {
    String repository = Repository.parse(entry).url();
    if (!Fetcher.isRemote(repository)) {
      return List.of();
    }
    List<Key> out = new ArrayList<>();
    java.util.Optional<String> release = alpineRelease(repository);
    if (release.isPresent()) {
      out.addAll(alpine(repository, release.get(), apkArch));
    }
    out.addAll(chainguard(repository));
    return out;
  }

  private List<Key> alpine(String repository, String release, String apkArch) throws BadInputException, IOException {
    JsonNode releases;
    try {
      releases = Json.MAPPER.readTree(fetcher.fetchBytes(alpineReleases, MAX_DOCUMENT));
    } catch (IOException e) {
      if (fetcher.options().offline()) {
        log().debug("offline: no Alpine keys for {}: {}", repository, e.getMessage());
        return List.of();
      }
      throw new FetchException("discovering the keys of Alpine repository " + repository + ": " + e.getMessage(), e);
    }
    List<Key> out = new ArrayList<>();
    for (JsonNode branch : releases.path("release_branches")) {
      if (!release.equals(branch.path("rel_branch").asText())) {
        continue;
      }
      LocalDate today = LocalDate.now(clock);
      for (JsonNode k : branch.path("keys").path(apkArch)) {
        String deprecated = k.path("deprecated_since").asText("");
        if (!deprecated.isEmpty() && !deprecated.equals("null") && !parseDate(deprecated).isAfter(today)) {
          continue;
        }
        String url = k.path("url").asText("").replace("%20", "@");
        if (!Fetcher.isRemote(url)) {
          continue;
        }
        String file = URLDecoder.decode(Repositories.keyName(url), StandardCharsets.UTF_8);
        out.add(checked(url, file, fetcher.fetchBytes(url, MAX_KEY)));
      }
    }
    return out;
  }

  private static LocalDate parseDate(String date) {
    try {
      return LocalDate.parse(date);
    } catch (DateTimeParseException e) {
      return LocalDate.MIN; // an unreadable deprecation date: treat the key as deprecated
    }
  }

  /** Chainguard-style discovery; failures are noted and give no keys, as in apko's builds. */
  public List<Key> chainguard(String repository) {
    try {
      return chainguardStrict(repository);
    } catch (IOException | BadInputException | RuntimeException e) {
      log().warn("key discovery for {} failed, going on without its keys: {}", Fetcher.redact(repository),
          e.getMessage());
      return List.of();
    }
  }

  /**
   * Chainguard-style discovery that fails on anything but a repository without the discovery document (apko's
   * {@code install-keys}).
   */
  public List<Key> chainguardStrict(String repository) throws IOException, BadInputException {
    String base = repository.replaceAll("/+$", "");
    {
      byte[] config;
      try {
        config = fetcher.fetchBytes(base + "/apk-configuration", MAX_DOCUMENT);
      } catch (FetchException e) {
        if (e.notFound()) {
          return List.of();
        }
        throw e;
      }
      String jwksUri = Json.MAPPER.readTree(config).path("jwks_uri").asText("");
      if (!Fetcher.isRemote(jwksUri)) {
        throw new IOException("apk-configuration has no http(s) jwks_uri");
      }
      List<Key> out = new ArrayList<>();
      for (JsonNode k : Json.MAPPER.readTree(fetcher.fetchBytes(jwksUri, MAX_DOCUMENT)).path("keys")) {
        String kid = k.path("kid").asText("");
        if (kid.isEmpty() || !kid.matches("[A-Za-z0-9._-]+")) {
          throw new IOException("a JWKS key has no usable \"kid\"");
        }
        if (!"RSA".equals(k.path("kty").asText())) {
          throw new IOException("JWKS key " + kid + " is not an RSA key");
        }
        String file = kid + ".rsa.pub";
        out.add(checked(base + "/" + file, file, Pem.encodePublic(rsa(k)).getBytes(StandardCharsets.US_ASCII)));
      }
      return out;
    }
  }

  private static RSAPublicKey rsa(JsonNode jwk) throws IOException {
    try {
      BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("n").asText()));
      BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("e").asText()));
      return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
    } catch (GeneralSecurityException | IllegalArgumentException ex) {
      throw new IOException("JWKS key " + jwk.path("kid").asText() + " is not a valid RSA key: " + ex.getMessage());
    }
  }

  /** A key is kept only if it is an RSA public key. */
  private static Key checked(String url, String file, byte[] pem) throws BadInputException {
    Keyring.Key.parse(file, pem);
    if (file.isEmpty() || file.equals(".") || file.equals("..") || file.contains("/")) {
      throw new BadInputException("discovered key " + url + " has no usable file name");
    }
    return new Key(url, file, pem);
  }
}
