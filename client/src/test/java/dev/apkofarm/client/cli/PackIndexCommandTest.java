package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.index.IndexReader;
import dev.apkofarm.core.apk.pkg.ApkPackage;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.apk.sign.SigningKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackIndexCommandTest {
  @TempDir Path dir;
  private Path key;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    byte[] pkcs8 = g.generateKeyPair().getPrivate().getEncoded();
    key = dir.resolve("test.rsa");
    Files.writeString(
        key,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
            + "\n-----END PRIVATE KEY-----\n");
  }

  private int run(String... args) {
    return ApkoClientCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), System.getenv(), null, args);
  }

  @Test
  void packsAndIndexesARepositoryThatVerifies() throws Exception {
    Path files = dir.resolve("files");
    Files.createDirectories(files.resolve("usr/share/hello"));
    Files.writeString(files.resolve("usr/share/hello/greeting"), "hello\n");
    Path apk = dir.resolve("repo/x86_64/hello-1.0-r0.apk");
    int rc =
        run(
            "-C", dir.toString(), "pack", "files", "--name", "hello", "--version", "1.0-r0", "--arch", "amd64",
            "--depends", "busybox", "--provides", "greeting=1", "--signing-key", "test.rsa", "-o",
            "repo/x86_64/hello-1.0-r0.apk");
    assertThat(rc).as(err.toString()).isZero();
    byte[] first = Files.readAllBytes(apk);
    assertThat(run("-C", dir.toString(), "pack", "files", "--name", "hello", "--version", "1.0-r0", "--arch", "x86_64",
            "--depends", "busybox", "--provides", "greeting=1", "--signing-key", "test.rsa", "-o", "repo/x86_64/hello-1.0-r0.apk"))
        .isZero();
    assertThat(Files.readAllBytes(apk)).isEqualTo(first);

    assertThat(run("index", dir.resolve("repo/x86_64").toString(), "--signing-key", key.toString())).isZero();
    assertThat(out.toString()).contains("1 packages").contains("test.rsa.pub");

    Keyring ring = Keyring.of(List.of(SigningKey.load(key).publicKey()));
    ApkIndex index =
        IndexReader.read(Files.readAllBytes(dir.resolve("repo/x86_64/APKINDEX.tar.gz")), "repo", ring, true);
    assertThat(index.packages()).hasSize(1);
    assertThat(index.packages().get(0).depends()).containsExactly("busybox");
    assertThat(index.packages().get(0).arch()).isEqualTo("x86_64");
    ApkPackage pkg = ApkPackage.open(apk, index.packages().get(0));
    assertThat(pkg.info().provides()).containsExactly("greeting=1");
  }

  @Test
  void badInputExitsTwoWithTheCulpritNamed() throws Exception {
    Files.createDirectories(dir.resolve("files"));
    int rc =
        run("pack", dir.resolve("files").toString(), "--name", "x", "--version", "nope", "--arch", "x86_64",
            "--signing-key", key.toString(), "-o", dir.resolve("x.apk").toString());
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains("\"nope\"");
    rc =
        run("pack", dir.resolve("files").toString(), "--name", "x", "--version", "1", "--arch", "x86_64",
            "--signing-key", dir.resolve("missing.rsa").toString(), "-o", dir.resolve("x.apk").toString());
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains("missing.rsa");
    assertThat(dir.resolve("x.apk")).doesNotExist();
  }
}
