package dev.apkofarm.core.apk.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexReaderTest {
  private static final String ALPINE_KEY = "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub";

  private static Path apk(String rel) {
    return Fixtures.apko("apk/" + rel);
  }

  private static Keyring keys(Path... files) throws BadInputException {
    return Keyring.load(List.of(files));
  }

  @Test
  void verifiesAndParsesTheAlpineIndex() throws Exception {
    byte[] archive = Files.readAllBytes(apk("alpine-316/APKINDEX.tar.gz"));
    ApkIndex index = IndexReader.read(archive, "alpine-316", keys(apk("alpine-316/" + ALPINE_KEY)), true);
    assertThat(index.packages()).hasSize(4929);
    assertThat(index.description()).isEqualTo("v3.16.3-13-g4d933a1fa3");
    PackageInfo first = index.packages().get(0);
    assertThat(first.name()).isEqualTo("git-zsh-completion");
    assertThat(first.version()).isEqualTo("5.8.1-r4");
    assertThat(first.checksum()).contains("Q1ZX+on7zBgcokTctj4tLSmx7q5O4=");
    assertThat(first.arch()).isEqualTo("x86_64");
    assertThat(first.size()).isEqualTo(97492);
    assertThat(first.installedSize()).isEqualTo(405504);
    assertThat(first.description()).isEqualTo("Zsh completions for git");
    assertThat(first.url()).isEqualTo("https://www.zsh.org/");
    assertThat(first.license()).isEqualTo("custom");
    assertThat(first.origin()).isEqualTo("zsh");
    assertThat(first.maintainer()).isEqualTo("Natanael Copa <ncopa@alpinelinux.org>");
    assertThat(first.buildTime()).isEqualTo(1647977252L);
    assertThat(first.commit()).isEqualTo("0c813d4276d2e36ead29ca22b6c01045d86db58b");
    assertThat(first.depends()).containsExactly("zsh");
    assertThat(first.installIf()).containsExactly("zsh=5.8.1-r4", "git");
    assertThat(index.packages()).filteredOn(p -> p.providerPriority() > 0).hasSize(72);
    PackageInfo busybox =
        index.packages().stream().filter(p -> p.name().equals("busybox")).findFirst().orElseThrow();
    assertThat(busybox.provides()).contains("/bin/sh");
  }

  @Test
  void verifiesRsa256Signatures() throws Exception {
    byte[] archive = Files.readAllBytes(apk("rsa256-signed/APKINDEX.tar.gz"));
    ApkIndex index = IndexReader.read(archive, "rsa256", keys(apk("rsa256-signed/test-rsa256.rsa.pub")), true);
    assertThat(index.packages()).isNotEmpty();
  }

  @Test
  void acceptsAnyOneOfSeveralSignatures() throws Exception {
    byte[] archive = Files.readAllBytes(apk("signing/APKINDEX.tar.gz"));
    try (var keys = Files.list(apk("signing/keys"))) {
      for (Path key : keys.toList()) {
        assertThat(IndexReader.read(archive, "signing", keys(key), true).packages()).isNotEmpty();
      }
    }
  }

  @Test
  void refusesAnIndexSignedByAnotherKeyNamingRepositoryAndKeys() throws Exception {
    byte[] archive = Files.readAllBytes(apk("alpine-316/APKINDEX.tar.gz"));
    assertThatThrownBy(
            () -> IndexReader.read(archive, "https://repo.example/alpine", keys(apk("rsa256-signed/test-rsa256.rsa.pub")), true))
        .isInstanceOf(IndexVerificationException.class)
        .hasMessageContaining("https://repo.example/alpine")
        .hasMessageContaining(ALPINE_KEY)
        .hasMessageContaining("test-rsa256.rsa.pub");
  }

  @Test
  void refusesWhenTheNamedKeyDoesNotVerify() throws Exception {
    byte[] archive = Files.readAllBytes(apk("alpine-316/APKINDEX.tar.gz"));
    // A key file carrying the signer's name but another key's content.
    Keyring.Key impostor =
        new Keyring.Key(ALPINE_KEY, "", keys(apk("rsa256-signed/test-rsa256.rsa.pub")).keys().get(0).publicKey());
    assertThatThrownBy(() -> IndexReader.read(archive, "alpine-316", Keyring.of(List.of(impostor)), true))
        .isInstanceOf(IndexVerificationException.class)
        .hasMessageContaining("does not verify with key \"" + ALPINE_KEY + "\"");
  }

  @Test
  void refusesWithAnEmptyKeyring() throws Exception {
    byte[] archive = Files.readAllBytes(apk("alpine-316/APKINDEX.tar.gz"));
    assertThatThrownBy(() -> IndexReader.read(archive, "alpine-316", Keyring.empty(), true))
        .isInstanceOf(IndexVerificationException.class)
        .hasMessageContaining("alpine-316")
        .hasMessageContaining("--ignore-signatures");
  }

  @Test
  void refusesATamperedIndex() throws Exception {
    byte[] archive = Files.readAllBytes(apk("alpine-316/APKINDEX.tar.gz"));
    archive[archive.length - 100] ^= 1;
    assertThatThrownBy(() -> IndexReader.read(archive, "alpine-316", keys(apk("alpine-316/" + ALPINE_KEY)), true))
        .isInstanceOf(IndexVerificationException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void readsUnverifiedIndexesOnlyWhenAskedTo() throws Exception {
    byte[] aarch64 = Files.readAllBytes(apk("alpine-317/APKINDEX.tar.gz"));
    assertThat(IndexReader.read(aarch64, "alpine-317", Keyring.empty(), false).packages()).hasSize(5004);
    byte[] unsigned = Files.readAllBytes(apk("APKINDEX.tar.gz"));
    assertThat(IndexReader.read(unsigned, "tiny", Keyring.empty(), false).packages()).isNotEmpty();
    assertThatThrownBy(
            () -> IndexReader.read(unsigned, "tiny", keys(apk("rsa256-signed/test-rsa256.rsa.pub")), true))
        .isInstanceOf(IndexVerificationException.class)
        .hasMessageContaining("tiny is not signed");
  }

  @Test
  void refusesAGzipBomb() throws Exception {
    byte[] archive = Files.readAllBytes(apk("alpine-316/APKINDEX.tar.gz"));
    assertThatThrownBy(() -> IndexReader.read(archive, "alpine-316", Keyring.empty(), false, 1 << 20))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void parsesTheCliRepositoryIndexes() throws Exception {
    Path repo = Fixtures.apkoCli().resolve("testdata/packages");
    Keyring ring = keys(repo.resolve("melange.rsa.pub"));
    for (String arch : List.of("x86_64", "aarch64")) {
      ApkIndex index =
          IndexReader.read(Files.readAllBytes(repo.resolve(arch + "/APKINDEX.tar.gz")), arch, ring, true);
      assertThat(index.packages())
          .extracting(PackageInfo::name)
          .containsExactly("custom-ca-certs-1", "custom-ca-certs-2", "pretend-baselayout", "replayout");
      assertThat(index.packages().get(3).depends()).containsExactly("pretend-baselayout");
    }
  }
}
