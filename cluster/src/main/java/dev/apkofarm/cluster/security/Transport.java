package dev.apkofarm.cluster.security;

import io.grpc.ManagedChannel;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * gRPC servers and channels with the farm's transport rules: TLS when certificates are given, plaintext only on
 * loopback or with an explicit {@code --insecure}, and the bearer token checked (server) or attached (client).
 */
public final class Transport {
  /** Services a probe may call without the token. */
  public static final Set<String> OPEN_SERVICES = Set.of("grpc.health.v1.Health");

  private Transport() {}

  /**
   * Settings of one endpoint.
   *
   * @param tls certificates, or empty for plaintext
   * @param insecure allow plaintext off loopback
   * @param token the bearer token, or empty for none
   */
  public record Security(Optional<TlsFiles> tls, boolean insecure, Optional<BearerToken> token) {
    public static Security plaintextLoopback() {
      return new Security(Optional.empty(), false, Optional.empty());
    }
  }

  /** A Netty server on host:port with {@code services}, secured by {@code security}. */
  public static io.grpc.Server server(
      String host, int port, Security security, List<ServerServiceDefinition> services) throws IOException {
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .maxInboundMessageSize(8 * 1024 * 1024);
    if (security.tls().isPresent()) {
      TlsFiles t = security.tls().get();
      if (t.certChain() == null) {
        throw new IllegalArgumentException("a TLS server needs --tls-cert and --tls-key");
      }
      SslContextBuilder ssl = GrpcSslContexts.forServer(t.certChain().toFile(), t.privateKey().toFile());
      if (t.trustCerts() != null) {
        ssl.trustManager(t.trustCerts().toFile()).clientAuth(t.requireClientCert() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
      }
      b.sslContext(ssl.build());
    } else {
      requirePlaintextAllowed("gRPC", host, security);
    }
    for (ServerServiceDefinition s : services) {
      b.addService(security.token().isPresent()
          ? ServerInterceptors.intercept(s, TokenInterceptors.server(security.token().get(), OPEN_SERVICES))
          : s);
    }
    return b.build().start();
  }

  /**
   * The farm's one rule for serving without TLS: only on loopback, or with an explicit {@code --insecure}.
   *
   * @param what the protocol, for the message ("gRPC", "the registry front")
   * @throws IllegalArgumentException naming the host and the ways out
   */
  public static void requirePlaintextAllowed(String what, String host, Security security) {
    if (security.tls().isEmpty() && !security.insecure() && !isLoopback(host)) {
      throw new IllegalArgumentException("refusing plaintext " + what + " on " + host
          + ": give --tls-cert and --tls-key, listen on 127.0.0.1, or pass --insecure");
    }
  }

  /**
   * A TLS context serving {@code tls}'s certificate and key over HTTP/1.1 (the registry front): the same PEM files,
   * read by the same code, as the gRPC server's.
   *
   * @throws IllegalArgumentException when no certificate and key are given
   */
  public static SslContext httpsServerContext(TlsFiles tls) throws SSLException {
    if (tls.certChain() == null) {
      throw new IllegalArgumentException("a TLS server needs --tls-cert and --tls-key");
    }
    return SslContextBuilder.forServer(tls.certChain().toFile(), tls.privateKey().toFile()).build();
  }

  /** A channel to host:port secured by {@code security}. */
  public static ManagedChannel channel(String target, Security security) throws SSLException {
    HostPort hp = HostPort.parse(target);
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(hp.host(), hp.port())
        .keepAliveTime(20, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .maxInboundMessageSize(8 * 1024 * 1024);
    if (security.tls().isPresent()) {
      TlsFiles t = security.tls().get();
      SslContextBuilder ssl = GrpcSslContexts.forClient();
      if (t.trustCerts() != null) {
        ssl.trustManager(t.trustCerts().toFile());
      }
      if (t.certChain() != null) {
        ssl.keyManager(t.certChain().toFile(), t.privateKey().toFile());
      }
      b.sslContext(ssl.build());
    } else if (security.insecure() || isLoopback(hp.host())) {
      b.usePlaintext();
    } else {
      throw new IllegalArgumentException(
          "refusing plaintext gRPC to " + target + ": give --tls-ca (and a certificate for mutual TLS), or pass --insecure");
    }
    security.token().ifPresent(tok -> b.intercept(TokenInterceptors.client(tok)));
    return b.build();
  }

  /** Whether {@code host} names only this machine. */
  public static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    try {
      InetAddress a = InetAddress.getByName(host);
      return a.isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * A host:port pair.
   *
   * @param host a name or address ({@code [v6]} brackets removed)
   * @param port 1..65535
   */
  public record HostPort(String host, int port) {
    public static HostPort parse(String s) {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw new IllegalArgumentException("\"" + s + "\" is not HOST:PORT");
      }
      String host = s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + s + "\" is not HOST:PORT (bad port)");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("\"" + s + "\": port must be 1..65535");
      }
      return new HostPort(host, port);
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
