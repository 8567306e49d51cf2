package dev.apkofarm.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.BadInputException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The local Docker daemon through its Engine API ({@code docker load}, {@code docker tag}), on the socket
 * {@code $DOCKER_HOST} names ({@code unix:///path} or {@code tcp://host:port}, plain HTTP) or
 * {@code /var/run/docker.sock}. One HTTP/1.1 request per connection; the API version is the daemon's own.
 */
final class DockerEngine {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What the daemon says back is small; more is not a Docker daemon. */
  private static final int MAX_RESPONSE = 16 << 20;

  private final SocketAddress address;
  private final String display;

  private DockerEngine(SocketAddress address, String display) {
    this.address = address;
    this.display = display;
  }

  /** The daemon {@code dockerHost} ({@code $DOCKER_HOST}, may be null) names. */
  static DockerEngine at(String dockerHost) throws BadInputException {
    String host = dockerHost == null || dockerHost.isBlank() ? "unix:///var/run/docker.sock" : dockerHost.trim();
    if (host.startsWith("unix://")) {
      return new DockerEngine(UnixDomainSocketAddress.of(host.substring("unix://".length())), host);
    }
    if (host.startsWith("tcp://")) {
      URI uri = URI.create(host);
      if (uri.getHost() == null || uri.getPort() < 0) {
        throw new BadInputException("DOCKER_HOST=" + host + ": expected tcp://HOST:PORT");
      }
      return new DockerEngine(new InetSocketAddress(uri.getHost(), uri.getPort()), host);
    }
    throw new BadInputException("DOCKER_HOST=" + host + ": only unix:// and tcp:// daemons are supported");
  }

  /** {@code docker load < tarball}: returns the daemon's messages (e.g. "Loaded image: x:y"). */
  String load(Path tarball) throws IOException {
    Response r = send("POST", "/images/load?quiet=1", "application/x-tar", tarball);
    if (r.status != 200) {
      throw new IOException("docker daemon " + display + " refused the image (HTTP " + r.status + "): " + r.text());
    }
    StringBuilder messages = new StringBuilder();
    try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(r.body)) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n.hasNonNull("error")) {
          throw new IOException("docker daemon " + display + " could not load the image: " + n.get("error").asText());
        }
        messages.append(n.path("stream").asText(""));
      }
    }
    return messages.toString().strip();
  }

  /** {@code docker image inspect}: the image's JSON, or empty when the daemon has no such image. */
  java.util.Optional<JsonNode> inspect(String reference) throws IOException {
    Response r = send("GET", "/images/" + reference + "/json", null, null);
    if (r.status == 404) {
      return java.util.Optional.empty();
    }
    if (r.status != 200) {
      throw new IOException("docker daemon " + display + ": inspect " + reference + ": HTTP " + r.status);
    }
    return java.util.Optional.of(JSON.readTree(r.body));
  }

  private record Response(int status, byte[] body) {
    String text() {
      String t = new String(body, StandardCharsets.UTF_8).strip();
      try {
        JsonNode n = JSON.readTree(t);
        if (n != null && n.hasNonNull("message")) {
          return n.get("message").asText();
        }
      } catch (IOException e) {
        // not JSON: the text itself
      }
      return t.length() > 500 ? t.substring(0, 500) + "..." : t;
    }
  }

  private Response send(String method, String target, String contentType, Path body) throws IOException {
    SocketChannel channel =
        address instanceof UnixDomainSocketAddress
            ? SocketChannel.open(StandardProtocolFamily.UNIX)
            : SocketChannel.open();
    try (channel) {
      try {
        channel.connect(address);
      } catch (IOException e) {
        throw new IOException("cannot reach the docker daemon at " + display + ": " + e.getMessage()
            + " (is dockerd running? DOCKER_HOST names another daemon)", e);
      }
      OutputStream out = Channels.newOutputStream(channel);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      head.append("Host: docker\r\nUser-Agent: apko-farm\r\nConnection: close\r\n");
      if (body != null) {
        head.append("Content-Type: ").append(contentType).append("\r\n");
        head.append("Content-Length: ").append(Files.size(body)).append("\r\n");
      }
      head.append("\r\n");
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      if (body != null) {
        Files.copy(body, out);
      }
      out.flush();
      return read(new BufferedInputStream(Channels.newInputStream(channel)));
    }
  }

  private static Response read(InputStream in) throws IOException {
    String status = line(in);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP answer from the docker daemon: " + status);
    }
    int code = Integer.parseInt(parts[1]);
    long length = -1;
    boolean chunked = false;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0;
          size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
        copy(in, body, size);
        line(in);
      }
    } else if (length >= 0) {
      copy(in, body, length);
    } else {
      copy(in, body, MAX_RESPONSE);
    }
    return new Response(code, body.toByteArray());
  }

  private static void copy(InputStream in, ByteArrayOutputStream out, long n) throws IOException {
    if (out.size() + n > MAX_RESPONSE && n != MAX_RESPONSE) {
      throw new IOException("the docker daemon's answer is larger than " + MAX_RESPONSE + " bytes");
    }
    byte[] buf = new byte[8192];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        if (n == MAX_RESPONSE) {
          return;
        }
        throw new IOException("the docker daemon closed the connection mid-answer");
      }
      out.write(buf, 0, r);
      left -= r;
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        if (sb.length() == 0) {
          throw new IOException("the docker daemon closed the connection");
        }
        break;
      }
      if (sb.length() > 64 * 1024) {
        throw new IOException("a header line from the docker daemon is too long");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }
}
