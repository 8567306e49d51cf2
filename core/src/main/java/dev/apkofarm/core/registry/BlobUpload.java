package dev.apkofarm.core.registry;

import dev.apkofarm.core.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One blob upload session: a single PUT for small blobs, PATCH chunks with {@code Content-Range} for large ones,
 * then the closing PUT with the digest. When the connection breaks or the registry fails mid-way, the upload asks
 * the session's status ({@code GET} -> {@code Range}) and continues from the registry's offset, or starts a fresh
 * session from byte 0 when the session is gone. The registry checks the digest at the closing PUT, so a resumed
 * upload can never store wrong bytes under the digest.
 */
final class BlobUpload {
  private static final Logger LOG = LoggerFactory.getLogger(BlobUpload.class);
  private static final Pattern RANGE = Pattern.compile("(?:bytes=)?0-([0-9]+)");

  private final Transport transport;
  private final RegistryOptions options;
  private final PushCounters counters;
  private final String repository;
  private final BlobContent blob;
  private final List<String> scopes;
  /** The latest upload URL the registry gave (each PATCH answer carries the session's new state). */
  private String location;

  /** The session broke off; {@code sessionGone}: it cannot be resumed. */
  private static final class Break extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean sessionGone;

    Break(String reason, boolean sessionGone) {
      super(reason, null, false, false);
      this.sessionGone = sessionGone;
    }
  }

  BlobUpload(Transport transport, RegistryOptions options, PushCounters counters, String repository, BlobContent blob) {
    this.transport = transport;
    this.options = options;
    this.counters = counters;
    this.repository = repository;
    this.blob = blob;
    this.scopes = List.of(RegistryClient.pushScope(repository));
  }

  /** Uploads the blob, in {@code openSession} when a session is already open (a declined mount). */
  void run(Optional<String> openSession) throws IOException {
    boolean chunked = blob.size() > options.chunkSize();
    location = openSession.isPresent() ? openSession.get() : start();
    long offset = 0;
    int breaks = 0;
    boolean restartedAfterDigestError = false;
    while (true) {
      try {
        if (chunked) {
          patchFrom(offset);
          finish(location, null);
        } else {
          finish(location, blob);
        }
        counters.blobsUploaded.incrementAndGet();
        options.listener().accept(new PushEvent.BlobUploaded(repository, blob.digest(), blob.size(), chunked));
        return;
      } catch (Break b) {
        breaks++;
        if (breaks > options.maxUploadBreaks()) {
          throw new RegistryException(
              transport.registry(),
              "upload of " + blob.digest() + " to " + repository + " broke off " + breaks + " times, last: "
                  + b.getMessage());
        }
        if (exists()) {
          // The closing PUT went through before the connection broke.
          counters.blobsUploaded.incrementAndGet();
          options.listener().accept(new PushEvent.BlobUploaded(repository, blob.digest(), blob.size(), chunked));
          return;
        }
        Optional<Status> status = chunked && !b.sessionGone ? status(location) : Optional.empty();
        if (status.isPresent()) {
          location = status.get().location();
          offset = status.get().offset();
          counters.resumes.incrementAndGet();
          LOG.info("upload of {} broke off ({}); resuming at byte {}", blob.digest(), b.getMessage(), offset);
          options.listener().accept(new PushEvent.UploadResumed(repository, blob.digest(), offset, b.getMessage()));
        } else {
          location = start();
          offset = 0;
          counters.restarts.incrementAndGet();
          LOG.info("upload of {} broke off ({}); restarting", blob.digest(), b.getMessage());
          options.listener().accept(new PushEvent.UploadRestarted(repository, blob.digest(), b.getMessage()));
        }
      } catch (DigestRejected e) {
        Digest local = digestOfSource();
        if (!local.equals(blob.digest())) {
          throw new IOException(
              "blob " + blob.origin() + " is corrupt: expected " + blob.digest() + ", its content hashes to "
                  + local);
        }
        if (restartedAfterDigestError) {
          throw e.exception;
        }
        restartedAfterDigestError = true;
        location = start();
        offset = 0;
        counters.restarts.incrementAndGet();
        options.listener().accept(new PushEvent.UploadRestarted(repository, blob.digest(), e.getMessage()));
      }
    }
  }

  /** The registry refused the closing PUT's digest. */
  private static final class DigestRejected extends Exception {
    private static final long serialVersionUID = 1L;
    final RegistryException exception;

    DigestRejected(RegistryException e) {
      super(e.getMessage(), null, false, false);
      this.exception = e;
    }
  }

  private record Status(String location, long offset) {}

  /** Opens an upload session and returns its location. */
  String start() throws IOException {
    String op = "start upload of " + blob.digest() + " to " + repository;
    Transport.Response r = transport.send(new Transport.Call("POST", RegistryClient.uploadsPath(repository), op, scopes)
        .body(HttpRequest.BodyPublishers::noBody));
    if (r.status() != 202) {
      throw transport.unexpected(op, r);
    }
    return locationHeader(r, op);
  }

  private String locationHeader(Transport.Response r, String op) throws RegistryException {
    return r.header("Location").orElseThrow(() -> new RegistryException(transport.registry(), op + ": no Location"));
  }

  private void patchFrom(long offset) throws IOException, Break {
    long pos = offset;
    while (pos < blob.size()) {
      long len = Math.min(options.chunkSize(), blob.size() - pos);
      long start = pos;
      String op = "upload of " + blob.digest() + " to " + repository + " at byte " + start;
      Transport.Call call =
          new Transport.Call("PATCH", location, op, scopes)
              .header("Content-Type", "application/octet-stream")
              .header("Content-Range", start + "-" + (start + len - 1))
              .body(() -> streamBody(start, len))
              .noRetry();
      counters.bytesUploaded.addAndGet(len);
      Transport.Response r = sendForUpload(call);
      if (r.status() == 202) {
        location = locationHeader(r, op);
        pos = start + len;
        Optional<Long> end = rangeEnd(r);
        if (end.isPresent() && end.get() + 1 < pos) {
          // The registry kept fewer bytes than we sent: go on from what it has.
          pos = end.get() + 1;
        }
      } else if (r.status() == 404) {
        throw new Break(r.status() + " " + transport.errorText(r), true);
      } else if (r.status() == 416 || r.status() >= 500) {
        throw new Break(r.status() + " " + transport.errorText(r), false);
      } else {
        throw transport.unexpected(op, r);
      }
    }
  }

  /** The closing PUT with {@code ?digest=}, carrying the whole blob when {@code content} is given. */
  private void finish(String url, BlobContent content) throws IOException, Break, DigestRejected {
    String sep = url.contains("?") ? "&" : "?";
    String target = url + sep + "digest=" + blob.digest();
    String op = "complete upload of " + blob.digest() + " to " + repository;
    Transport.Call call = new Transport.Call("PUT", target, op, scopes).noRetry();
    if (content != null) {
      long size = content.size();
      counters.bytesUploaded.addAndGet(size);
      call.header("Content-Type", "application/octet-stream").body(() -> streamBody(0, size));
    } else {
      call.body(HttpRequest.BodyPublishers::noBody);
    }
    Transport.Response r = sendForUpload(call);
    if (r.status() == 201 || r.status() == 204) {
      Optional<String> stored = r.header("Docker-Content-Digest");
      if (stored.isPresent() && !stored.get().equals(blob.digest().toString())) {
        throw new RegistryException(
            transport.registry(), op + ": the registry stored " + stored.get() + " instead of " + blob.digest());
      }
      return;
    }
    String error = transport.errorText(r);
    if (r.status() == 400 && (error.contains("DIGEST_INVALID") || error.contains("SIZE_INVALID"))) {
      throw new DigestRejected(transport.unexpected(op, r));
    }
    if (r.status() == 404) {
      throw new Break(r.status() + " " + error, true);
    }
    if (r.status() == 416 || r.status() >= 500) {
      throw new Break(r.status() + " " + error, false);
    }
    throw transport.unexpected(op, r);
  }

  /** Sends an upload request, turning a broken connection into a {@link Break}. */
  private Transport.Response sendForUpload(Transport.Call call) throws IOException, Break {
    try {
      return transport.send(call);
    } catch (RegistryException e) {
      if (e.status().isEmpty() && !(e instanceof RegistryAuthException) && e.getCause() instanceof IOException) {
        throw new Break(e.getCause().toString(), false);
      }
      throw e;
    }
  }

  private Optional<Status> status(String url) throws IOException {
    String op = "status of upload of " + blob.digest();
    Transport.Response r;
    try {
      r = transport.send(new Transport.Call("GET", url, op, scopes));
    } catch (RegistryAuthException e) {
      throw e;
    } catch (RegistryException e) {
      return Optional.empty();
    }
    if (r.status() != 204 && r.status() != 200) {
      return Optional.empty();
    }
    Optional<Long> end = rangeEnd(r);
    // "0-0" means zero or one byte: ambiguous, so start a fresh session instead of guessing.
    if (end.isEmpty() || end.get() == 0) {
      return Optional.empty();
    }
    return Optional.of(new Status(r.header("Location").orElse(url), end.get() + 1));
  }

  private static Optional<Long> rangeEnd(Transport.Response r) {
    Optional<String> range = r.header("Range");
    if (range.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = RANGE.matcher(range.get().trim());
    return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
  }

  private boolean exists() throws IOException {
    try {
      String op = "HEAD blob " + blob.digest() + " in " + repository;
      Transport.Response r = transport.send(new Transport.Call("HEAD", RegistryClient.blobPath(repository,
          blob.digest()), op, scopes));
      return r.status() == 200 || r.status() == 307;
    } catch (RegistryAuthException e) {
      throw e;
    } catch (RegistryException e) {
      return false;
    }
  }

  private HttpRequest.BodyPublisher streamBody(long offset, long length) {
    return HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(
            () -> {
              try {
                return new Window(blob.open(offset), length);
              } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + blob.origin(), e);
              }
            }),
        length);
  }

  private Digest digestOfSource() throws IOException {
    MessageDigest md = Digest.newSha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = blob.open(0)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return Digest.sha256(md.digest());
  }

  /** At most {@code remaining} bytes of a stream. */
  private static final class Window extends FilterInputStream {
    private long remaining;

    Window(InputStream in, long length) {
      super(in);
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }
}
