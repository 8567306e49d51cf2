package dev.apkofarm.core.registry;

import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credential lookup delegated to jib-core, which reads docker config files (base64 {@code auths}, identity tokens,
 * registry aliases such as {@code index.docker.io/v1/}) and speaks the docker credential-helper protocol. Only the
 * lookup is jib's: authentication itself (challenges, tokens) is ours, in {@link RegistryAuth}.
 */
final class JibCredentials implements CredentialSource {
  private static final Logger LOG = LoggerFactory.getLogger(JibCredentials.class);

  private final String description;
  private final Function<CredentialRetrieverFactory, CredentialRetriever> retriever;

  private JibCredentials(String description, Function<CredentialRetrieverFactory, CredentialRetriever> retriever) {
    this.description = description;
    this.retriever = retriever;
  }

  static JibCredentials dockerConfig(Path configFile) {
    return new JibCredentials("docker config " + configFile, f -> f.dockerConfig(configFile));
  }

  static JibCredentials helper(Path helper) {
    return new JibCredentials("credential helper " + helper, f -> f.dockerCredentialHelper(helper));
  }

  @Override
  public Optional<Credential> lookup(String registry) throws IOException {
    List<String> notes = new ArrayList<>();
    ImageReference ref;
    try {
      // jib keys credentials by registry only; the repository is a placeholder it needs to build a reference.
      ref = ImageReference.of(registry, "credential-lookup", null);
    } catch (IllegalArgumentException e) {
      throw new RegistryAuthException(registry, "cannot look up credentials: " + e.getMessage());
    }
    CredentialRetrieverFactory factory =
        CredentialRetrieverFactory.forImage(
            ref,
            event -> {
              // jib's messages name files and helpers, never secrets; keep the warnings for our own error text.
              LOG.debug("credential lookup for {}: {}", registry, event.getMessage());
              if (event.getLevel().compareTo(LogEvent.Level.INFO) <= 0) {
                notes.add(event.getMessage());
              }
            });
    try {
      Optional<com.google.cloud.tools.jib.api.Credential> found = retriever.apply(factory).retrieve();
      if (found.isEmpty()) {
        for (String note : notes) {
          if (note.startsWith("Unable to parse")) {
            LOG.warn("{} ({})", note, description);
          }
        }
      }
      return found.map(c -> new Credential(c.getUsername(), c.getPassword()));
    } catch (CredentialRetrievalException e) {
      throw new RegistryAuthException(
          registry, "credential lookup in " + description + " failed: " + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable cur = t;
    while (cur.getCause() != null && cur.getCause() != cur) {
      cur = cur.getCause();
    }
    return cur.getMessage() == null ? cur.getClass().getSimpleName() : cur.getMessage();
  }

  @Override
  public String describe() {
    return description;
  }
}
