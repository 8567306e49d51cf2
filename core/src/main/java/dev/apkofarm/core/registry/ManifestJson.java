package dev.apkofarm.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.oci.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reading descriptors out of manifest and index JSON, and writing the few documents the publisher makes itself
 * (referrer artifacts, fallback referrer indexes). Field order is fixed here so our own documents are
 * byte-reproducible.
 */
final class ManifestJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ManifestJson() {}

  static boolean isIndex(String mediaType) {
    return MediaType.OCI_INDEX.equals(mediaType) || MediaType.DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  static boolean isImageManifest(String mediaType) {
    return MediaType.OCI_MANIFEST.equals(mediaType) || MediaType.DOCKER_MANIFEST.equals(mediaType);
  }

  static JsonNode read(byte[] bytes, String what) throws IOException {
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IOException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** The blobs or manifests {@code m} refers to: an index's manifests, a manifest's config then layers. */
  static List<Descriptor> children(ManifestContent m) throws IOException {
    JsonNode json = read(m.bytes(), "manifest " + m.digest());
    List<Descriptor> out = new ArrayList<>();
    if (isIndex(m.mediaType())) {
      for (JsonNode d : json.path("manifests")) {
        out.add(descriptor(d, m));
      }
    } else {
      if (json.has("config")) {
        out.add(descriptor(json.get("config"), m));
      }
      for (JsonNode d : json.path("layers")) {
        out.add(descriptor(d, m));
      }
    }
    return out;
  }

  static Descriptor descriptor(JsonNode d, ManifestContent parent) throws IOException {
    String mediaType = d.path("mediaType").asText("");
    String digest = d.path("digest").asText("");
    if (mediaType.isEmpty() || digest.isEmpty() || !d.path("size").canConvertToLong()) {
      throw new IOException(
          "manifest " + parent.digest() + " has a descriptor without mediaType, digest or size: " + d);
    }
    Optional<Platform> platform = Optional.empty();
    if (d.has("platform")) {
      JsonNode p = d.get("platform");
      platform =
          Optional.of(
              new Platform(
                  p.path("os").asText(""),
                  p.path("architecture").asText(""),
                  p.hasNonNull("variant") ? Optional.of(p.get("variant").asText()) : Optional.empty()));
    }
    Map<String, String> annotations = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = d.path("annotations").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      annotations.put(e.getKey(), e.getValue().asText());
    }
    try {
      return new Descriptor(
          mediaType,
          Digest.parse(digest),
          d.get("size").asLong(),
          platform,
          d.hasNonNull("artifactType") ? Optional.of(d.get("artifactType").asText()) : Optional.empty(),
          new TreeMap<>(annotations));
    } catch (IllegalArgumentException e) {
      throw new IOException("manifest " + parent.digest() + ": " + e.getMessage(), e);
    }
  }

  /** A descriptor as JSON: mediaType, digest, size, then the optional fields. */
  static ObjectNode toJson(Descriptor d) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("mediaType", d.mediaType());
    n.put("digest", d.digest().toString());
    n.put("size", d.size());
    d.platform()
        .ifPresent(
            p -> {
              ObjectNode pn = n.putObject("platform");
              pn.put("architecture", p.architecture());
              pn.put("os", p.os());
              p.variant().ifPresent(v -> pn.put("variant", v));
            });
    d.artifactType().ifPresent(t -> n.put("artifactType", t));
    if (!d.annotations().isEmpty()) {
      ObjectNode a = n.putObject("annotations");
      d.annotations().forEach(a::put);
    }
    return n;
  }

  /** An OCI index listing {@code manifests} (the shape of a referrers response and of a fallback tag). */
  static byte[] index(List<Descriptor> manifests) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", MediaType.OCI_INDEX);
    ArrayNode list = root.putArray("manifests");
    for (Descriptor d : manifests) {
      list.add(toJson(d));
    }
    return MAPPER.writeValueAsBytes(root);
  }

  /** The descriptors of an index document. */
  static List<Descriptor> indexEntries(byte[] bytes, String what) throws IOException {
    ManifestContent m = ManifestContent.of(MediaType.OCI_INDEX, bytes);
    try {
      return children(m);
    } catch (IOException e) {
      throw new IOException(what + ": " + e.getMessage(), e);
    }
  }
}
