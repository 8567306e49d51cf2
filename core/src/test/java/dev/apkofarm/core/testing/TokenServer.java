package dev.apkofarm.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A docker token service for a real registry's token auth: checks basic credentials (or an OAuth2 refresh token
 * posted as a form), and issues RS256 JWTs carrying the requested repository access, signed with a key whose
 * self-signed certificate is the registry's {@code rootcertbundle} (sent as {@code x5c}). The protocol is real; the
 * user database is one user.
 */
public final class TokenServer implements AutoCloseable {
  public static final String SERVICE = "apkofarm-test-registry";
  public static final String ISSUER = "apkofarm-test-token-issuer";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final Path certificateFile;
  private final String user;
  private final String password;
  private final String refreshToken;
  private final AtomicInteger issued = new AtomicInteger();

  private TokenServer(Path dir, String user, String password, String refreshToken) throws IOException {
    this.user = user;
    this.password = password;
    this.refreshToken = refreshToken;
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      this.keys = rsa.generateKeyPair();
      X500Name name = new X500Name("CN=apkofarm test token signer");
      Instant now = Instant.now();
      this.certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  new JcaX509v3CertificateBuilder(
                          name, BigInteger.TEN, Date.from(now.minus(Duration.ofHours(1))),
                          Date.from(now.plus(Duration.ofDays(2))), name, keys.getPublic())
                      .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException(e);
    }
    this.certificateFile = dir.resolve("token-signer.crt");
    try {
      Files.writeString(certificateFile, TestCertificates.pem("CERTIFICATE", certificate.getEncoded()));
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException(e);
    }
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::handle);
    server.start();
  }

  /** Starts a token service for one user, who may also use {@code refreshToken} as an identity token. */
  public static TokenServer start(Path dir, String user, String password, String refreshToken) throws IOException {
    return new TokenServer(dir, user, password, refreshToken);
  }

  /** The realm URL for the registry's config and challenges. */
  public String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** The certificate file for the registry's {@code rootcertbundle}. */
  public Path rootCertificate() {
    return certificateFile;
  }

  /** How many tokens were issued. */
  public int issued() {
    return issued.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      List<String> scopes = new ArrayList<>();
      boolean authorised;
      String query = ex.getRequestURI().getRawQuery();
      if ("POST".equals(ex.getRequestMethod())) {
        String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        authorised = refreshToken.equals(param(form, "refresh_token", scopes));
      } else {
        param(query == null ? "" : query, "", scopes);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String expected =
            "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        authorised = expected.equals(auth);
      }
      if (!authorised) {
        byte[] body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}".getBytes();
        ex.sendResponseHeaders(401, body.length);
        ex.getResponseBody().write(body);
        return;
      }
      String token = jwt(scopes);
      issued.incrementAndGet();
      ObjectNode response = JSON.createObjectNode();
      response.put("token", token);
      response.put("access_token", token);
      response.put("expires_in", 300);
      byte[] body = JSON.writeValueAsBytes(response);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  /** Collects every {@code scope} of a form or query into {@code scopes}; returns the value of {@code name}. */
  private static String param(String form, String name, List<String> scopes) {
    String found = "";
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String k = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (k.equals("scope")) {
        scopes.add(v);
      } else if (k.equals(name)) {
        found = v;
      }
    }
    return found;
  }

  private String jwt(List<String> scopes) throws GeneralSecurityException, IOException {
    ObjectNode header = JSON.createObjectNode();
    header.put("typ", "JWT");
    header.put("alg", "RS256");
    header.putArray("x5c").add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iss", ISSUER);
    claims.put("sub", user);
    claims.put("aud", SERVICE);
    claims.put("exp", now + 300);
    claims.put("nbf", now - 10);
    claims.put("iat", now);
    claims.put("jti", UUID.randomUUID().toString());
    ArrayNode access = claims.putArray("access");
    for (String scope : scopes) {
      String[] parts = scope.split(":");
      if (parts.length != 3 || !parts[0].equals("repository")) {
        continue;
      }
      ObjectNode a = access.addObject();
      a.put("type", "repository");
      a.put("name", parts[1]);
      ArrayNode actions = a.putArray("actions");
      for (String action : parts[2].split(",")) {
        actions.add(action);
      }
    }
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        b64.encodeToString(JSON.writeValueAsBytes(header)) + "." + b64.encodeToString(JSON.writeValueAsBytes(claims));
    Signature sig = Signature.getInstance("SHA256withRSA");
    sig.initSign(keys.getPrivate());
    sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + b64.encodeToString(sig.sign());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
