package dev.apkofarm.core.apk.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysTest {
  @TempDir Path dir;

  private Path resource(String name) throws IOException {
    try (InputStream in = getClass().getResourceAsStream(name)) {
      Path p = dir.resolve(name);
      Files.write(p, in.readAllBytes());
      return p;
    }
  }

  @Test
  void readsPkcs1AndPkcs8PrivateKeysAsTheSameKey() throws Exception {
    SigningKey pkcs1 = SigningKey.load(resource("test-pkcs1.rsa"));
    SigningKey pkcs8 = SigningKey.load(resource("test-pkcs8.rsa"));
    assertThat(pkcs1.name()).isEqualTo("test-pkcs1.rsa.pub");
    assertThat(pkcs1.publicKey().publicKey()).isEqualTo(pkcs8.publicKey().publicKey());
  }

  @Test
  void signaturesVerifyWithTheOpensslPublicKey() throws Exception {
    SigningKey key = SigningKey.load(resource("test-pkcs1.rsa"));
    Keyring ring = Keyring.load(List.of(resource("test-pkcs1.rsa.pub")));
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
      byte[] sig = key.sign(a, data);
      Keyring.Key pub = ring.find("test-pkcs1.rsa.pub").orElseThrow();
      assertThat(pub.verifies(a, data, 0, data.length, sig)).isTrue();
      assertThat(pub.verifies(a, new byte[] {1}, 0, 1, sig)).isFalse();
    }
  }

  @Test
  void derivedPublicKeyPemRoundTrips() throws Exception {
    SigningKey key = SigningKey.generate("k.rsa.pub", 1024);
    Keyring.Key again = Keyring.Key.parse("k.rsa.pub", key.publicKey().pem().getBytes(StandardCharsets.US_ASCII));
    assertThat(again.publicKey()).isEqualTo(key.publicKey().publicKey());
    assertThat(key.publicKey().pem()).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
  }

  @Test
  void findsKeysByNameWithOrWithoutExtension() throws Exception {
    SigningKey key = SigningKey.generate("x", 1024);
    Keyring ring = Keyring.of(List.of(new Keyring.Key("melange", key.publicKey().pem(), key.publicKey().publicKey())));
    assertThat(ring.find("melange.rsa.pub")).isPresent();
    assertThat(ring.find("melange")).isPresent();
    assertThat(ring.find("other.rsa.pub")).isEmpty();
  }

  @Test
  void refusesMissingAndMalformedKeysNamingTheFile() throws Exception {
    Path missing = dir.resolve("nope.rsa.pub");
    assertThatThrownBy(() -> Keyring.load(List.of(missing)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("nope.rsa.pub");
    Path garbage = dir.resolve("garbage.rsa.pub");
    Files.writeString(garbage, "not a key");
    assertThatThrownBy(() -> Keyring.load(List.of(garbage)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("garbage.rsa.pub");
    assertThatThrownBy(() -> SigningKey.load(resource("test-pkcs1.rsa.pub")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("expected an RSA private key");
  }

  @Test
  void oneCodecReadsKeysAndCertificateBundles() throws Exception {
    SigningKey key = SigningKey.generate("k.rsa.pub", 1024);
    byte[] der = key.publicKey().publicKey().getEncoded();
    String pem = new String(Pem.encode("PUBLIC KEY", der), StandardCharsets.US_ASCII);
    assertThat(pem).isEqualTo(key.publicKey().pem());
    // A bundle: a key with Windows line ends, a second block, then one whose END line is missing.
    String bundle = pem.replace("\n", "\r\n") + "junk\n" + new String(Pem.encode("CERTIFICATE", new byte[] {1, 2}),
        StandardCharsets.US_ASCII) + "-----BEGIN CERTIFICATE-----\nAAAA\n";
    assertThat(Pem.decodeAll(bundle)).extracting(Pem.Block::type).containsExactly("PUBLIC KEY", "CERTIFICATE");
    assertThat(Pem.decodeAll(bundle).get(0).bytes()).isEqualTo(der);
    assertThat(Pem.publicKey(bundle.getBytes(StandardCharsets.US_ASCII), "bundle")).isEqualTo(key.publicKey().publicKey());
    assertThatThrownBy(() -> Pem.publicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n".getBytes(StandardCharsets.US_ASCII), "cut"))
        .hasMessageContaining("cut: PEM block \"PUBLIC KEY\" has no END line");
  }
}
