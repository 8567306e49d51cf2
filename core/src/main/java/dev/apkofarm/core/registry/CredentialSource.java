package dev.apkofarm.core.registry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where registry credentials come from: a docker {@code config.json} (its {@code auths}, {@code credsStore} and
 * {@code credHelpers}), a docker credential helper, an explicit credential, or nothing. Lookups happen only when a
 * registry asks for authentication.
 */
public interface CredentialSource {
  /**
   * The credential for {@code registry} (host[:port] as written in the image reference), empty when this source has
   * none for it.
   *
   * @throws RegistryAuthException when the source is configured but fails (a helper that errors out)
   */
  Optional<Credential> lookup(String registry) throws IOException;

  /** Where this source looks, for messages (never a secret). */
  String describe();

  /** No credentials: anonymous access only. */
  static CredentialSource none() {
    return new CredentialSource() {
      @Override
      public Optional<Credential> lookup(String registry) {
        return Optional.empty();
      }

      @Override
      public String describe() {
        return "no credential source";
      }
    };
  }

  /** The same credential for every registry (e.g. from a farm's own configuration). */
  static CredentialSource of(Credential credential, String description) {
    return new CredentialSource() {
      @Override
      public Optional<Credential> lookup(String registry) {
        return Optional.of(credential);
      }

      @Override
      public String describe() {
        return description;
      }
    };
  }

  /**
   * The user's docker config: {@code $DOCKER_CONFIG/config.json} when {@code DOCKER_CONFIG} is set, else
   * {@code ~/.docker/config.json}.
   */
  static CredentialSource dockerConfig() {
    String dir = System.getenv("DOCKER_CONFIG");
    Path file =
        dir != null && !dir.isBlank()
            ? Path.of(dir, "config.json")
            : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    return dockerConfig(file);
  }

  /** A docker config file: {@code auths}, {@code credsStore} and {@code credHelpers} (helpers run from PATH). */
  static CredentialSource dockerConfig(Path configFile) {
    return JibCredentials.dockerConfig(configFile);
  }

  /** A docker credential helper executable ({@code docker-credential-*}), asked with {@code get}. */
  static CredentialSource credentialHelper(Path helper) {
    return JibCredentials.helper(helper);
  }

  /** The first of {@code sources} that has a credential for the registry. */
  static CredentialSource firstOf(List<CredentialSource> sources) {
    List<CredentialSource> copy = List.copyOf(sources);
    return new CredentialSource() {
      @Override
      public Optional<Credential> lookup(String registry) throws IOException {
        for (CredentialSource s : copy) {
          Optional<Credential> c = s.lookup(registry);
          if (c.isPresent()) {
            return c;
          }
        }
        return Optional.empty();
      }

      @Override
      public String describe() {
        return copy.stream().map(CredentialSource::describe).collect(Collectors.joining(", then "));
      }
    };
  }
}
