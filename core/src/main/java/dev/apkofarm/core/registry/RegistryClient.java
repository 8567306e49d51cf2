package dev.apkofarm.core.registry;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A client for the OCI distribution API of one registry: blob HEAD / cross-repository mount / upload (monolithic or
 * chunked, resumable), manifests by digest or tag, and the referrers API. Thread-safe; one instance per registry,
 * shared by every push to it (it remembers where it saw blobs, to mount instead of upload).
 *
 * <p>Every call authenticates as the registry asks (basic or bearer token), retries 429/5xx/broken connections
 * with backoff, and checks {@code Docker-Content-Digest} against what it sent or asked for.
 */
public final class RegistryClient {
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  static final String ACCEPT_MANIFESTS =
      String.join(
          ", ", MediaType.OCI_INDEX, MediaType.OCI_MANIFEST, MediaType.DOCKER_MANIFEST_LIST,
          MediaType.DOCKER_MANIFEST);

  private final String registry;
  private final RegistryOptions options;
  private final Transport transport;
  private final PushCounters counters = new PushCounters();
  private final Map<Digest, String> knownLocations = new ConcurrentHashMap<>();

  /** How {@link #pushBlob} got the blob into the repository. */
  public enum BlobOutcome {
    EXISTED,
    MOUNTED,
    UPLOADED
  }

  /**
   * The result of a manifest PUT.
   *
   * @param digest the digest the registry reported (equal to the manifest's)
   * @param subjectAccepted the registry answered {@code OCI-Subject}: it indexes referrers itself
   */
  public record ManifestPut(Digest digest, boolean subjectAccepted) {}

  private RegistryClient(String registry, RegistryOptions options, Clock clock) throws BadInputException {
    this.registry = registry;
    this.options = options;
    String host = ImageRef.of(registry, "x").apiHost();
    this.transport = new Transport(registry, host, options, counters, clock);
  }

  /**
   * A client for {@code registry} (host[:port] as in image references; {@code docker.io} for Docker Hub).
   *
   * @throws BadInputException when a {@code --ca-cert} file cannot be read
   */
  public static RegistryClient create(String registry, RegistryOptions options) throws BadInputException {
    return new RegistryClient(registry, options, Clock.systemUTC());
  }

  public String registry() {
    return registry;
  }

  public RegistryOptions options() {
    return options;
  }

  /** What this client has done so far. */
  public PushStats stats() {
    return counters.snapshot();
  }

  /** Remembers that {@code repository} of this registry holds {@code digest}, as a mount source. */
  public void rememberBlob(Digest digest, String repository) {
    knownLocations.put(digest, repository);
  }

  /** Whether {@code repository} has the blob ({@code HEAD}); counted as a hit or a miss. */
  public boolean blobExists(String repository, Digest digest) throws IOException {
    String op = "HEAD blob " + digest + " in " + repository;
    Transport.Response r = transport.send(new Transport.Call("HEAD", blobPath(repository, digest), op,
        List.of(pullScope(repository))));
    // A redirect means the blob exists in some backing storage.
    if (r.status() == 200 || r.status() == 307 || r.status() == 302) {
      Optional<String> d = r.header("Docker-Content-Digest");
      if (d.isPresent() && !d.get().equals(digest.toString())) {
        throw new RegistryException(registry, op + ": the registry answered for " + d.get());
      }
      counters.blobHeadHits.incrementAndGet();
      rememberBlob(digest, repository);
      return true;
    }
    if (r.status() == 404) {
      counters.blobHeadMisses.incrementAndGet();
      return false;
    }
    throw transport.unexpected(op, r);
  }

  /**
   * Mounts the blob from {@code fromRepository} of this registry into {@code repository}. Returns false when the
   * registry declined (the blob is not there, or mounting is not allowed); nothing is uploaded either way.
   */
  public boolean mountBlob(String repository, Digest digest, String fromRepository) throws IOException {
    Mount m = mount(repository, digest, fromRepository);
    m.session.ifPresent(s -> cancelQuietly(s, repository));
    return m.mounted;
  }

  private record Mount(boolean mounted, Optional<String> session) {}

  private Mount mount(String repository, Digest digest, String from) throws IOException {
    String op = "mount " + digest + " from " + from + " into " + repository;
    String target =
        uploadsPath(repository) + "?mount=" + digest + "&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8);
    Transport.Response r =
        transport.send(
            new Transport.Call("POST", target, op, List.of(pushScope(repository), pullScope(from)))
                .body(HttpRequest.BodyPublishers::noBody));
    if (r.status() == 201) {
      Optional<String> d = r.header("Docker-Content-Digest");
      if (d.isPresent() && !d.get().equals(digest.toString())) {
        throw new RegistryException(registry, op + ": the registry mounted " + d.get());
      }
      counters.mounts.incrementAndGet();
      rememberBlob(digest, repository);
      options.listener().accept(new PushEvent.BlobMounted(repository, digest, from));
      return new Mount(true, Optional.empty());
    }
    if (r.status() == 202) {
      return new Mount(false, r.header("Location"));
    }
    throw transport.unexpected(op, r);
  }

  private void cancelQuietly(String session, String repository) {
    try {
      transport.send(new Transport.Call("DELETE", session, "cancel upload", List.of(pushScope(repository))));
    } catch (IOException ignored) {
      // An abandoned session is purged by the registry.
    }
  }

  /**
   * Makes sure {@code repository} has the blob: HEAD, else a mount from a repository of this registry known to hold
   * it, else an upload (chunked and resumable when larger than {@link RegistryOptions#chunkSize()}).
   */
  public BlobOutcome pushBlob(String repository, BlobContent blob) throws IOException {
    if (blobExists(repository, blob.digest())) {
      options.listener().accept(new PushEvent.BlobExists(repository, blob.digest()));
      return BlobOutcome.EXISTED;
    }
    Optional<String> session = Optional.empty();
    String from = knownLocations.get(blob.digest());
    if (from != null && !from.equals(repository)) {
      Mount m = mount(repository, blob.digest(), from);
      if (m.mounted) {
        return BlobOutcome.MOUNTED;
      }
      session = m.session;
    }
    upload(repository, blob, session);
    return BlobOutcome.UPLOADED;
  }

  /** Uploads the blob unconditionally (no HEAD, no mount). */
  public void uploadBlob(String repository, BlobContent blob) throws IOException {
    upload(repository, blob, Optional.empty());
  }

  private void upload(String repository, BlobContent blob, Optional<String> session) throws IOException {
    if (blob instanceof BlobContent.FileBlob f && f.actualSize() != f.size()) {
      throw new IOException(
          "blob " + f.file() + " has " + f.actualSize() + " bytes but its descriptor says " + f.size());
    }
    new BlobUpload(transport, options, counters, repository, blob).run(session);
    rememberBlob(blob.digest(), repository);
  }

  /** The digest {@code reference} (a tag or digest) resolves to, by {@code HEAD}; empty when absent. */
  public Optional<Digest> manifestDigest(String repository, String reference) throws IOException {
    String op = "HEAD manifest " + repository + ":" + reference;
    Transport.Response r = transport.send(new Transport.Call("HEAD", manifestPath(repository, reference), op,
        List.of(pullScope(repository))).header("Accept", ACCEPT_MANIFESTS));
    if (r.status() == 404) {
      return Optional.empty();
    }
    if (r.status() != 200) {
      throw transport.unexpected(op, r);
    }
    counters.manifestHeadHits.incrementAndGet();
    Optional<String> d = r.header("Docker-Content-Digest");
    if (d.isPresent()) {
      Digest digest = parseDigest(d.get(), op);
      if (reference.startsWith("sha256:") && !reference.equals(digest.toString())) {
        throw new RegistryException(registry, op + ": the registry answered for " + digest);
      }
      return Optional.of(digest);
    }
    return getManifest(repository, reference).map(ManifestContent::digest);
  }

  /** The manifest {@code reference} points at, checked against its digest; empty when absent. */
  public Optional<ManifestContent> getManifest(String repository, String reference) throws IOException {
    String op = "GET manifest " + repository + ":" + reference;
    Transport.Response r = transport.send(new Transport.Call("GET", manifestPath(repository, reference), op,
        List.of(pullScope(repository))).header("Accept", ACCEPT_MANIFESTS));
    if (r.status() == 404) {
      return Optional.empty();
    }
    if (r.status() != 200) {
      throw transport.unexpected(op, r);
    }
    Digest actual = Digest.of(r.body());
    Optional<String> header = r.header("Docker-Content-Digest");
    if (reference.startsWith("sha256:") && !reference.equals(actual.toString())
        || header.isPresent() && !header.get().equals(actual.toString())) {
      throw new RegistryException(registry, op + ": content hashes to " + actual + ", not "
          + (reference.startsWith("sha256:") ? reference : header.get()));
    }
    String mediaType = r.header("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
    if (!ManifestJson.isIndex(mediaType) && !ManifestJson.isImageManifest(mediaType)) {
      mediaType = ManifestJson.read(r.body(), op).path("mediaType").asText(mediaType);
    }
    return Optional.of(new ManifestContent(mediaType, r.body(), actual));
  }

  /** Stores {@code manifest} under {@code reference} (its digest, or a tag) and checks the digest the registry reports. */
  public ManifestPut putManifest(String repository, String reference, ManifestContent manifest) throws IOException {
    if (reference.startsWith("sha256:") && !reference.equals(manifest.digest().toString())) {
      throw new IllegalArgumentException("reference " + reference + " is not the manifest's digest "
          + manifest.digest());
    }
    String op = "PUT manifest " + repository + ":" + reference;
    byte[] bytes = manifest.bytes();
    Transport.Response r =
        transport.send(
            new Transport.Call("PUT", manifestPath(repository, reference), op, List.of(pushScope(repository)))
                .header("Content-Type", manifest.mediaType())
                .body(() -> HttpRequest.BodyPublishers.ofByteArray(bytes)));
    if (r.status() != 201 && r.status() != 200) {
      throw transport.unexpected(op, r);
    }
    counters.manifestsPut.incrementAndGet();
    Optional<String> d = r.header("Docker-Content-Digest");
    if (d.isPresent() && !d.get().equals(manifest.digest().toString())) {
      throw new RegistryException(registry, op + ": the registry stored " + d.get() + " instead of "
          + manifest.digest());
    }
    return new ManifestPut(manifest.digest(), r.header("OCI-Subject").isPresent());
  }

  /**
   * Stores {@code manifest} by digest unless it is there already (HEAD). Returns the PUT's result, or empty when it
   * existed.
   */
  public Optional<ManifestPut> pushManifest(String repository, ManifestContent manifest) throws IOException {
    String reference = manifest.digest().toString();
    if (manifestDigest(repository, reference).isPresent()) {
      options.listener().accept(new PushEvent.ManifestPushed(repository, manifest.digest(), manifest.mediaType(),
          true));
      return Optional.empty();
    }
    ManifestPut put = putManifest(repository, reference, manifest);
    options.listener().accept(new PushEvent.ManifestPushed(repository, manifest.digest(), manifest.mediaType(),
        false));
    return Optional.of(put);
  }

  /** Points {@code tag} at {@code manifest} (which must already be stored by digest); no write when it already does. */
  public void tag(String repository, String tag, ManifestContent manifest) throws IOException {
    if (!TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("invalid tag \"" + tag + "\"");
    }
    Optional<Digest> current = manifestDigest(repository, tag);
    if (current.isPresent() && current.get().equals(manifest.digest())) {
      options.listener().accept(new PushEvent.TagWritten(repository, tag, manifest.digest(), true));
      return;
    }
    putManifest(repository, tag, manifest);
    options.listener().accept(new PushEvent.TagWritten(repository, tag, manifest.digest(), false));
  }

  /**
   * The referrers of {@code subject} from the registry's referrers API ({@code GET /v2/<name>/referrers/<digest>});
   * empty when the registry does not implement it.
   */
  public Optional<List<Descriptor>> referrersApi(String repository, Digest subject) throws IOException {
    String op = "GET referrers of " + subject + " in " + repository;
    Transport.Response r = transport.send(new Transport.Call("GET", "/v2/" + repository + "/referrers/" + subject,
        op, List.of(pullScope(repository))).header("Accept", MediaType.OCI_INDEX));
    String type = r.header("Content-Type").orElse("");
    if (r.status() == 200 && type.startsWith(MediaType.OCI_INDEX)) {
      return Optional.of(ManifestJson.indexEntries(r.body(), op));
    }
    if (r.status() == 404 || r.status() == 400 || r.status() == 405 || r.status() == 200) {
      return Optional.empty();
    }
    throw transport.unexpected(op, r);
  }

  private Digest parseDigest(String value, String op) throws RegistryException {
    try {
      return Digest.parse(value);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(registry, op + ": unusable Docker-Content-Digest " + value);
    }
  }

  static String pushScope(String repository) {
    return "repository:" + repository + ":pull,push";
  }

  static String pullScope(String repository) {
    return "repository:" + repository + ":pull";
  }

  static String blobPath(String repository, Digest digest) {
    return "/v2/" + repository + "/blobs/" + digest;
  }

  static String uploadsPath(String repository) {
    return "/v2/" + repository + "/blobs/uploads/";
  }

  static String manifestPath(String repository, String reference) {
    if (!reference.startsWith("sha256:") && !TAG.matcher(reference).matches()) {
      throw new IllegalArgumentException("invalid manifest reference \"" + reference + "\"");
    }
    if (reference.startsWith("sha256:")) {
      Digest.parse(reference);
    }
    return "/v2/" + repository + "/manifests/" + reference;
  }
}
