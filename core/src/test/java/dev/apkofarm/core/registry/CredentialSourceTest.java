package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.BadInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialSourceTest {
  @TempDir Path tmp;

  @Test
  void readsBase64AuthsAndIdentityTokensFromADockerConfig() throws Exception {
    String auth = Base64.getEncoder().encodeToString("me:s3cret".getBytes(StandardCharsets.UTF_8));
    Path config = tmp.resolve("config.json");
    Files.writeString(
        config,
        "{\"auths\":{\"registry.example:5000\":{\"auth\":\"" + auth + "\"},"
            // jib takes identitytoken only with the all-zero user name (what Azure's login writes)
            + "\"tokens.example\":{\"auth\":\""
            + Base64.getEncoder().encodeToString("00000000-0000-0000-0000-000000000000:".getBytes()) + "\","
            + "\"identitytoken\":\"refresh-me\"}}}");
    CredentialSource source = CredentialSource.dockerConfig(config);

    assertThat(source.lookup("registry.example:5000")).contains(new Credential("me", "s3cret"));
    Credential token = source.lookup("tokens.example").orElseThrow();
    assertThat(token.isIdentityToken()).isTrue();
    assertThat(token.secret()).isEqualTo("refresh-me");
    assertThat(source.lookup("other.example")).isEmpty();
    assertThat(source.describe()).isEqualTo("docker config " + config);
  }

  @Test
  void asksACredentialHelperExecutable() throws Exception {
    Path helper = tmp.resolve("docker-credential-test");
    Files.writeString(
        helper, "#!/bin/sh\nread s\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"h\",\"Secret\":\"from-helper\"}' \"$s\"\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));

    assertThat(CredentialSource.credentialHelper(helper).lookup("any.example"))
        .contains(new Credential("h", "from-helper"));
  }

  @Test
  void firstOfTakesTheFirstSourceThatHasOne() throws Exception {
    CredentialSource s =
        CredentialSource.firstOf(
            List.of(CredentialSource.none(), CredentialSource.of(new Credential("a", "b"), "fixed")));
    assertThat(s.lookup("r")).contains(new Credential("a", "b"));
    assertThat(s.describe()).isEqualTo("no credential source, then fixed");
  }

  @Test
  void aCredentialNeverPrintsItsParts() {
    assertThat(new Credential("alice", "hunter2").toString()).doesNotContain("alice").doesNotContain("hunter2");
  }

  @Test
  void anUnreadableCaCertIsBadInputNamingTheFile() {
    Path missing = tmp.resolve("nope.pem");
    assertThatThrownBy(() -> RegistryClient.create("r.example",
            RegistryOptions.builder().credentials(CredentialSource.none()).caCertificate(missing).build()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--ca-cert " + missing);
  }
}
