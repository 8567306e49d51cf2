package dev.apkofarm.core.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * OCI 1.1 referrers: artifact manifests with a {@code subject}, found through the registry's referrers API
 * ({@code GET /v2/<name>/referrers/<digest>}) or, where the registry lacks it, through the fallback tag
 * {@code sha256-<hex>} pointing at an index of the subject's referrers, which the pusher maintains.
 */
final class Referrers {
  static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);
  static final Descriptor EMPTY = Descriptor.of(MediaType.OCI_EMPTY, Digest.of(EMPTY_JSON), EMPTY_JSON.length);

  private Referrers() {}

  /** The fallback tag of {@code subject}: {@code sha256-<hex>}. */
  static String fallbackTag(Digest subject) {
    return subject.algorithm() + "-" + subject.hex();
  }

  /**
   * An artifact manifest: empty config, {@code layers} (or the empty descriptor when none), the subject, and
   * annotations. No timestamps, so the same inputs give the same digest.
   */
  static ManifestContent artifact(
      String artifactType, Descriptor subject, List<Descriptor> layers, Map<String, String> annotations)
      throws IOException {
    ObjectNode root = ManifestJson.MAPPER.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", MediaType.OCI_MANIFEST);
    root.put("artifactType", artifactType);
    root.set("config", ManifestJson.toJson(EMPTY));
    ArrayNode l = root.putArray("layers");
    for (Descriptor d : layers.isEmpty() ? List.of(EMPTY) : layers) {
      l.add(ManifestJson.toJson(d));
    }
    root.set("subject", ManifestJson.toJson(subject));
    if (!annotations.isEmpty()) {
      ObjectNode a = root.putObject("annotations");
      new TreeMap<>(annotations).forEach(a::put);
    }
    return ManifestContent.of(MediaType.OCI_MANIFEST, ManifestJson.MAPPER.writeValueAsBytes(root));
  }

  /**
   * Pushes {@code artifact} (whose blobs are already in) and makes it findable as a referrer of {@code subject}:
   * the registry indexes it itself when it answers {@code OCI-Subject} or serves the referrers API; otherwise the
   * fallback tag's index gets the artifact's descriptor. Returns whether the fallback tag was used.
   */
  static boolean attach(
      RegistryClient client,
      String repository,
      Digest subject,
      ManifestContent artifact,
      String artifactType,
      Map<String, String> annotations)
      throws IOException {
    Optional<RegistryClient.ManifestPut> put = client.pushManifest(repository, artifact);
    boolean indexedByRegistry =
        put.map(RegistryClient.ManifestPut::subjectAccepted).orElse(false)
            || client.referrersApi(repository, subject).isPresent();
    if (!indexedByRegistry) {
      Descriptor entry =
          new Descriptor(
              MediaType.OCI_MANIFEST,
              artifact.digest(),
              artifact.size(),
              Optional.empty(),
              Optional.of(artifactType),
              new TreeMap<>(annotations));
      String tag = fallbackTag(subject);
      List<Descriptor> entries = new ArrayList<>(fallbackEntries(client, repository, subject));
      if (entries.stream().noneMatch(d -> d.digest().equals(artifact.digest()))) {
        entries.add(entry);
        ManifestContent index = ManifestContent.of(MediaType.OCI_INDEX, ManifestJson.index(entries));
        client.putManifest(repository, tag, index);
      }
    }
    client.options().listener().accept(
        new PushEvent.ReferrerAttached(repository, subject, artifact.digest(), artifactType, !indexedByRegistry));
    return !indexedByRegistry;
  }

  /** The referrers of {@code subject}: from the API when the registry has it, else from the fallback tag. */
  static List<Descriptor> list(RegistryClient client, String repository, Digest subject) throws IOException {
    Optional<List<Descriptor>> api = client.referrersApi(repository, subject);
    return api.isPresent() ? api.get() : fallbackEntries(client, repository, subject);
  }

  private static List<Descriptor> fallbackEntries(RegistryClient client, String repository, Digest subject)
      throws IOException {
    Optional<ManifestContent> existing = client.getManifest(repository, fallbackTag(subject));
    if (existing.isEmpty()) {
      return List.of();
    }
    return ManifestJson.indexEntries(existing.get().bytes(), "referrers tag " + fallbackTag(subject));
  }
}
