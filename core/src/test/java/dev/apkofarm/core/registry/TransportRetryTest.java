package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.testing.TestCertificates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries on 429 and 5xx. distribution cannot be made to answer 429/503 on demand, so this one fault comes from a
 * small in-process HTTPS server (trusted through {@code --ca-cert}) that speaks just enough of the API.
 */
class TransportRetryTest {
  @TempDir Path tmp;
  private TestCertificates certs;
  private static final Digest BLOB = Digest.of("x".getBytes(StandardCharsets.UTF_8));
  private HttpsServer server;
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus;

  @BeforeEach
  void start() throws Exception {
    certs = TestCertificates.generate(tmp);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(certs.serverContext()));
    server.createContext("/v2/", ex -> {
      try (ex) {
        if (ex.getRequestURI().getPath().equals("/v2/")) {
          ex.sendResponseHeaders(200, -1);
        } else if (failuresLeft.getAndDecrement() > 0) {
          byte[] body = "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}".getBytes();
          ex.getResponseHeaders().add("Retry-After", "1");
          ex.sendResponseHeaders(failureStatus, body.length);
          ex.getResponseBody().write(body);
        } else {
          ex.getResponseHeaders().add("Docker-Content-Digest", BLOB.toString());
          ex.sendResponseHeaders(200, -1);
        }
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private RegistryClient client(List<PushEvent> events) throws Exception {
    return RegistryClient.create(
        "127.0.0.1:" + server.getAddress().getPort(),
        RegistryOptions.builder()
            .credentials(CredentialSource.none())
            .caCertificate(certs.caCertificate())
            .retry(new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20)))
            .listener(events::add)
            .build());
  }

  @Test
  void retries429And503WithBackoffUntilTheRegistryAnswers() throws Exception {
    for (int status : new int[] {429, 503}) {
      failureStatus = status;
      failuresLeft.set(2);
      List<PushEvent> events = new ArrayList<>();
      RegistryClient client = client(events);

      assertThat(client.blobExists("a/b", BLOB)).isTrue();

      assertThat(client.stats().retries()).isEqualTo(2);
      assertThat(events).filteredOn(e -> e instanceof PushEvent.RequestRetried).hasSize(2)
          .allSatisfy(e -> assertThat(((PushEvent.RequestRetried) e).reason()).contains(String.valueOf(status)));
    }
  }

  @Test
  void givesUpAfterTheLastAttemptWithTheRegistrysError() throws Exception {
    failureStatus = 503;
    failuresLeft.set(100);

    assertThatThrownBy(() -> client(new ArrayList<>()).getManifest("a/b", "latest"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("GET manifest a/b:latest")
        .hasMessageContaining("503 TOOMANYREQUESTS: slow down");
  }
}
