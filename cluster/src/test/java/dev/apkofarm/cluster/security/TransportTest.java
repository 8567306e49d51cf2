package dev.apkofarm.cluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS, mutual TLS and the bearer token on real Netty servers over loopback. */
class TransportTest {
  @TempDir static Path dir;
  private static TestCertificates certs;
  private Server server;
  private ManagedChannel channel;

  @BeforeAll
  static void certificates() throws Exception {
    certs = new TestCertificates(dir);
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  private Server serve(Transport.Security security) throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("", ServingStatus.SERVING);
    server = Transport.server("127.0.0.1", 0, security, List.of(health.getHealthService().bindService(),
        io.grpc.protobuf.services.ProtoReflectionServiceV1.newInstance().bindService()));
    return server;
  }

  private ServingStatus check(Transport.Security security) throws Exception {
    channel = Transport.channel("localhost:" + server.getPort(), security);
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  @Test
  void aTlsServerIsReachedByAClientTrustingItsCa() throws Exception {
    serve(new Transport.Security(Optional.of(new TlsFiles(certs.serverCert, certs.serverKey, null, false)), false,
        Optional.empty()));

    assertThat(check(new Transport.Security(Optional.of(new TlsFiles(null, null, certs.caCert, false)), false,
        Optional.empty()))).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void mutualTlsRefusesAClientWithoutCertificate() throws Exception {
    serve(new Transport.Security(
        Optional.of(new TlsFiles(certs.serverCert, certs.serverKey, certs.caCert, true)), false, Optional.empty()));

    assertThat(check(new Transport.Security(
        Optional.of(new TlsFiles(certs.clientCert, certs.clientKey, certs.caCert, false)), false, Optional.empty())))
        .isEqualTo(ServingStatus.SERVING);
    channel.shutdownNow();
    assertThatThrownBy(() -> check(new Transport.Security(
        Optional.of(new TlsFiles(null, null, certs.caCert, false)), false, Optional.empty())))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void theTokenGuardsEveryServiceButHealth() throws Exception {
    Transport.Security secured = new Transport.Security(Optional.empty(), false, Optional.of(BearerToken.of("t0k")));
    serve(secured);

    assertThat(check(Transport.Security.plaintextLoopback())).isEqualTo(ServingStatus.SERVING);
    var noToken = ServerReflectionGrpc.newStub(channel);
    var result = new java.util.concurrent.CompletableFuture<Throwable>();
    var req = noToken.serverReflectionInfo(new io.grpc.stub.StreamObserver<>() {
      @Override
      public void onNext(io.grpc.reflection.v1.ServerReflectionResponse v) {
        result.complete(null);
      }

      @Override
      public void onError(Throwable t) {
        result.complete(t);
      }

      @Override
      public void onCompleted() {
        result.complete(null);
      }
    });
    req.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
    req.onCompleted();
    assertThat(Status.fromThrowable(result.get(10, TimeUnit.SECONDS)).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

    channel.shutdownNow();
    channel = Transport.channel("127.0.0.1:" + server.getPort(), secured);
    var withToken = ServerReflectionGrpc.newStub(channel);
    var ok = new java.util.concurrent.CompletableFuture<Throwable>();
    var req2 = withToken.serverReflectionInfo(new io.grpc.stub.StreamObserver<>() {
      @Override
      public void onNext(io.grpc.reflection.v1.ServerReflectionResponse v) {
        ok.complete(null);
      }

      @Override
      public void onError(Throwable t) {
        ok.complete(t);
      }

      @Override
      public void onCompleted() {
        ok.complete(null);
      }
    });
    req2.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
    req2.onCompleted();
    assertThat(ok.get(10, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void plaintextIsRefusedOffLoopbackUnlessInsecure() {
    assertThatThrownBy(() -> Transport.server("0.0.0.0", 0, Transport.Security.plaintextLoopback(), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--insecure");
    assertThatThrownBy(() -> Transport.channel("build-farm.example:7070", Transport.Security.plaintextLoopback()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--insecure");
  }

  @Test
  void aTokenNeverShowsInItsString() {
    assertThat(BearerToken.of("very-secret").toString()).doesNotContain("very-secret");
  }
}
