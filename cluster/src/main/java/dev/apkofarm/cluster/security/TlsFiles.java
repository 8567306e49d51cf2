package dev.apkofarm.cluster.security;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PEM files for TLS on a gRPC endpoint.
 *
 * @param certChain this side's certificate chain (a server's always; a client's for mutual TLS), or null
 * @param privateKey the key of {@code certChain} (PKCS#8 PEM), or null
 * @param trustCerts CA certificates to verify the peer with (a client: the server's CA; a server requiring client
 *     certificates: the clients' CA), or null for the system trust store
 * @param requireClientCert a server only: refuse clients without a certificate signed by {@code trustCerts}
 */
public record TlsFiles(Path certChain, Path privateKey, Path trustCerts, boolean requireClientCert) {
  public TlsFiles {
    if ((certChain == null) != (privateKey == null)) {
      throw new IllegalArgumentException("a TLS certificate needs its key and a key its certificate");
    }
    if (requireClientCert && trustCerts == null) {
      throw new IllegalArgumentException("requiring client certificates needs the CA that signs them (--tls-client-ca)");
    }
    for (Path p : new Path[] {certChain, privateKey, trustCerts}) {
      if (p != null && !Files.isReadable(p)) {
        throw new IllegalArgumentException("TLS file " + p + " is not readable");
      }
    }
  }
}
