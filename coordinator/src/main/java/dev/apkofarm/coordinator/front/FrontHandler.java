package dev.apkofarm.coordinator.front;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.core.InputText;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry API over {@link Images}, apart from any HTTP server: checks credentials, parses the path ({@link
 * Route}), asks {@link Images} and makes the answer: JSON lists, manifests and blobs streamed from the coordinator's
 * blob store (with {@code Range}, {@code HEAD} and {@code Docker-Content-Digest}), or an OCI error body. Nothing else
 * ever reaches a client: an unexpected failure is logged here and answered with a one-line error.
 */
final class FrontHandler {
  private static final Logger log = LoggerFactory.getLogger(FrontHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json";

  private final Credentials credentials;
  private final Images images;
  private final BlobStore blobs;
  private final FrontMetrics metrics;
  private final int maxPackages;

  FrontHandler(Credentials credentials, Images images, BlobStore blobs, FrontMetrics metrics, int maxPackages) {
    this.credentials = credentials;
    this.images = images;
    this.blobs = blobs;
    this.metrics = metrics;
    this.maxPackages = maxPackages;
  }

  /**
   * A request as the server received it.
   *
   * @param rawPath the path, not percent-decoded
   * @param rawQuery the query, or null
   * @param headers a header's first value by name (case-insensitive), or null
   */
  record Request(String method, String rawPath, String rawQuery, UnaryOperator<String> headers) {
    boolean head() {
      return method.equals("HEAD");
    }
  }

  /** What a response carries after its headers. */
  sealed interface Body {
    /** Nothing: a {@code HEAD}, whose {@code Content-Length} still tells the size of what a GET would send. */
    record None(long contentLength) implements Body {}

    record Bytes(byte[] bytes) implements Body {}

    /** {@code length} bytes of a blob, streamed; the server closes the stream. */
    record Stream(InputStream in, long length) implements Body {}
  }

  /** A response: status, headers (besides {@code Content-Length}, which the body gives) and body. */
  record Answer(int status, Map<String, String> headers, Body body) {}

  /** Answers a request; never throws. */
  Answer answer(Request request) {
    long start = System.nanoTime();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Docker-Distribution-API-Version", "registry/2.0");
    Route route = null;
    Answer answer;
    try {
      if (!credentials.allows(request.headers().apply("Authorization"))) {
        headers.put("WWW-Authenticate", Credentials.CHALLENGE);
        throw RegistryError.unauthorized("authentication required: the farm's token, as a bearer token or as the"
            + " password of basic authentication");
      }
      route = Route.parse(request.method(), request.rawPath(), request.rawQuery(), maxPackages);
      answer = serve(request, route, headers);
    } catch (RegistryError e) {
      answer = error(request, e, headers);
    } catch (IOException | RuntimeException e) {
      log.error("registry request {} {} failed", request.method(), route, e);
      answer = error(request, RegistryError.unavailable("internal error; the coordinator's log has the details"),
          headers);
    }
    if (route != null) {
      metrics.firstByte(route, System.nanoTime() - start);
    }
    return answer;
  }

  private Answer serve(Request request, Route route, Map<String, String> headers) throws IOException, RegistryError {
    if (route instanceof Route.Base) {
      return json(request, Map.of(), headers);
    } else if (route instanceof Route.Catalog c) {
      return json(request, Map.of("repositories", page(images.catalog(), c.page(), headers, null)), headers);
    } else if (route instanceof Route.Tags t) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", t.name().toString());
      body.put("tags", page(images.tags(t.name()), t.page(), headers, t.name().toString()));
      return json(request, body, headers);
    } else if (route instanceof Route.TaggedManifest m) {
      ServedImage s = images.tagged(m.name(), m.tag());
      headers.put("Apko-Farm-Lock-Digest", s.lockDigest().toString());
      return blob(request, s.index(), true, headers);
    } else if (route instanceof Route.ManifestByDigest m) {
      return blob(request, images.manifest(m.name(), m.digest()), true, headers);
    } else if (route instanceof Route.Blob b) {
      return blob(request, images.blob(b.name(), b.digest()), false, headers);
    }
    throw new IllegalStateException("unhandled route " + route);
  }

  /** The spec's pagination: entries after {@code last}, at most {@code n}, a {@code Link} to the next page. */
  private static List<String> page(List<String> all, Route.Page page, Map<String, String> headers,
      String repository) {
    List<String> after = page.last() == null ? all : all.stream().filter(s -> s.compareTo(page.last()) > 0).toList();
    if (page.n().isEmpty() || after.size() <= page.n().getAsInt()) {
      return after;
    }
    List<String> out = after.subList(0, page.n().getAsInt());
    if (!out.isEmpty()) {
      String path = repository == null ? "/v2/_catalog" : "/v2/" + repository + "/tags/list";
      headers.put("Link", "<" + path + "?n=" + page.n().getAsInt() + "&last=" + out.get(out.size() - 1)
          + ">; rel=\"next\"");
    }
    return out;
  }

  private static Answer json(Request request, Object body, Map<String, String> headers) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    headers.put("Content-Type", JSON_TYPE);
    return new Answer(200, headers, request.head() ? new Body.None(bytes.length) : new Body.Bytes(bytes));
  }

  /** A manifest (its media type) or a blob (octet-stream) from the store, whole or the requested range. */
  private Answer blob(Request request, BlobRef ref, boolean manifest, Map<String, String> headers)
      throws IOException, RegistryError {
    long size = blobs.size(ref.digest()).orElseThrow(() -> gone(ref));
    headers.put("Content-Type", manifest ? ref.mediaType() : "application/octet-stream");
    headers.put("Docker-Content-Digest", ref.digest());
    headers.put("ETag", "\"" + ref.digest() + "\"");
    headers.put("Accept-Ranges", "bytes");
    Optional<ByteRange> range;
    try {
      range = ByteRange.parse(request.headers().apply("Range"), size);
    } catch (RegistryError e) {
      headers.put("Content-Range", "bytes */" + size);
      throw e;
    }
    range.ifPresent(r -> headers.put("Content-Range", r.contentRange(size)));
    int status = range.isPresent() ? 206 : 200;
    long length = range.map(ByteRange::length).orElse(size);
    if (request.head()) {
      return new Answer(status, headers, new Body.None(length));
    }
    InputStream in = blobs.open(ref.digest()).orElseThrow(() -> gone(ref));
    try {
      in.skipNBytes(range.map(ByteRange::start).orElse(0L)); // a file's stream skips by moving its position
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
    return new Answer(status, headers, new Body.Stream(in, length));
  }

  private static RegistryError gone(BlobRef ref) {
    return RegistryError.blobUnknown(ref.digest() + " is gone from the coordinator's blob store");
  }

  private static Answer error(Request request, RegistryError e, Map<String, String> headers) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("code", e.code());
    err.put("message", e.getMessage());
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(Map.of("errors", List.of(err)));
    } catch (IOException impossible) {
      throw new IllegalStateException("a map of strings is JSON", impossible);
    }
    headers.remove("Docker-Content-Digest");
    headers.remove("ETag");
    headers.put("Content-Type", JSON_TYPE);
    if (e.status() >= 500) {
      log.warn("registry {} {}: {}", request.method(),
          InputText.escape(request.rawPath().length() <= 300 ? request.rawPath() : request.rawPath().substring(0, 300)),
          e.getMessage());
    }
    return new Answer(e.status(), headers, request.head() ? new Body.None(bytes.length) : new Body.Bytes(bytes));
  }
}
