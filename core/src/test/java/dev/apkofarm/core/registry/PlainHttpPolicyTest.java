package dev.apkofarm.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlainHttpPolicyTest {
  private final RegistryOptions defaults = RegistryOptions.builder().credentials(CredentialSource.none()).build();

  @Test
  void loopbackHostsMaySpeakPlainHttp() {
    assertThat(Transport.plainHttpAllowed("127.0.0.1:5000", defaults)).isTrue();
    assertThat(Transport.plainHttpAllowed("127.1.2.3", defaults)).isTrue();
    assertThat(Transport.plainHttpAllowed("localhost:5000", defaults)).isTrue();
    assertThat(Transport.plainHttpAllowed("[::1]:5000", defaults)).isTrue();
  }

  @Test
  void otherHostsOnlyWhenNamedAsInsecure() {
    assertThat(Transport.plainHttpAllowed("registry.example:5000", defaults)).isFalse();
    assertThat(Transport.plainHttpAllowed("127.0.0.1.evil.example", defaults)).isFalse();
    RegistryOptions byHostAndPort = defaults.toBuilder().insecureRegistry("registry.example:5000").build();
    assertThat(Transport.plainHttpAllowed("registry.example:5000", byHostAndPort)).isTrue();
    assertThat(Transport.plainHttpAllowed("registry.example:6000", byHostAndPort)).isFalse();
    RegistryOptions byHost = defaults.toBuilder().insecureRegistry("registry.example").build();
    assertThat(Transport.plainHttpAllowed("registry.example:6000", byHost)).isTrue();
  }
}
