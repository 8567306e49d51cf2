package dev.apkofarm.coordinator.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.cluster.security.BearerToken;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The farm's token as a registry bearer token or basic password; anonymous pulls only when allowed. */
class CredentialsTest {
  private static final Optional<BearerToken> TOKEN = Optional.of(BearerToken.of("s3cret"));

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theTokenIsAcceptedAsBearerOrAsAnyUsersBasicPassword() {
    Credentials c = new Credentials(TOKEN, false);
    assertThat(c.allows("Bearer s3cret")).isTrue();
    assertThat(c.allows("bearer s3cret")).isTrue();
    assertThat(c.allows(basic("anyone", "s3cret"))).isTrue();
    assertThat(c.allows(basic("anyone", "wrong"))).isFalse();
    assertThat(c.allows("Bearer wrong")).isFalse();
    assertThat(c.allows("Basic !!!not-base64")).isFalse();
    assertThat(c.allows("Digest s3cret")).isFalse();
    assertThat(c.allows(null)).isFalse();
  }

  @Test
  void anonymousPullsOnlyWhenAllowedAndWrongCredentialsStillRefused() {
    Credentials c = new Credentials(TOKEN, true);
    assertThat(c.allows(null)).isTrue();
    assertThat(c.allows("Bearer wrong")).isFalse();
    assertThat(new Credentials(Optional.empty(), true).allows(basic("a", "b"))).isTrue();
    assertThatThrownBy(() -> new Credentials(Optional.empty(), false)).hasMessageContaining("--allow-anonymous");
  }
}
