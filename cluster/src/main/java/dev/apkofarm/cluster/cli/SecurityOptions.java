package dev.apkofarm.cluster.cli;

import dev.apkofarm.cluster.security.BearerToken;
import dev.apkofarm.cluster.security.TlsFiles;
import dev.apkofarm.cluster.security.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The gRPC security options every farm command shares (TLS files, {@code --insecure}, the token file). */
public final class SecurityOptions {
  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "This side's certificate chain (a server's; a worker's or client's for mutual TLS).")
  Path cert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (PKCS#8).")
  Path key;

  @Option(names = "--tls-ca", paramLabel = "PEM",
      description = "CA certificates: a client verifies the server with them; a server requiring client"
          + " certificates verifies clients with them.")
  Path ca;

  @Option(names = "--tls-require-client-cert",
      description = "Server only: refuse clients (workers) without a certificate signed by --tls-ca (mutual TLS).")
  boolean requireClientCert;

  @Option(names = "--insecure", description = "Allow plaintext gRPC off loopback (never do this on a shared network).")
  boolean insecure;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Bearer token shared by the farm (default: $" + BearerToken.ENV + "; none = no token).")
  Path tokenFile;

  /** The transport security these options describe. */
  public Transport.Security security() throws IOException {
    Optional<TlsFiles> tls = cert == null && ca == null
        ? Optional.empty()
        : Optional.of(new TlsFiles(cert, key, ca, requireClientCert));
    return new Transport.Security(tls, insecure, BearerToken.load(tokenFile));
  }
}
