package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthChallengeTest {
  @Test
  void parsesABearerChallengeWithQuotedParameters() {
    AuthChallenge c =
        AuthChallenge.parse(
                "Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                    + "scope=\"repository:a/b:pull,push\",error=\"insufficient_scope\"")
            .orElseThrow();
    assertThat(c.isBearer()).isTrue();
    assertThat(c.param("realm")).contains("https://auth.example/token");
    assertThat(c.param("service")).contains("registry.example");
    assertThat(c.param("scope")).contains("repository:a/b:pull,push");
    assertThat(c.param("error")).contains("insufficient_scope");
  }

  @Test
  void parsesBasicAndIgnoresUnknownSchemes() {
    assertThat(AuthChallenge.parse("Basic realm=\"Registry Realm\"").orElseThrow().isBasic()).isTrue();
    assertThat(AuthChallenge.parse("Negotiate abc")).isEmpty();
    assertThat(AuthChallenge.parse(null)).isEmpty();
  }
}
