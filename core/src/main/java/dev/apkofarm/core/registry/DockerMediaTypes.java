package dev.apkofarm.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites an OCI image set with Docker schema 2 media types ({@code --docker-media-types}) for registries that
 * refuse OCI: manifest list / manifest / config / layer types change, OCI-only fields ({@code artifactType},
 * {@code subject}) go. Blobs are unchanged; manifests get new digests, and the index lists those.
 */
final class DockerMediaTypes {
  private static final Map<String, String> LAYER_TYPES =
      Map.of(
          MediaType.OCI_LAYER_GZIP, MediaType.DOCKER_LAYER_GZIP,
          "application/vnd.oci.image.layer.v1.tar", "application/vnd.docker.image.rootfs.diff.tar",
          MediaType.DOCKER_LAYER_GZIP, MediaType.DOCKER_LAYER_GZIP,
          "application/vnd.docker.image.rootfs.diff.tar", "application/vnd.docker.image.rootfs.diff.tar");

  private DockerMediaTypes() {}

  /**
   * The converted image, and for each converted manifest its new digest.
   *
   * @param image the image with Docker media types
   * @param renamed old manifest digest -> new
   */
  record Converted(ImageSet image, Map<Digest, Digest> renamed) {}

  static Converted convert(ImageSet image) throws IOException {
    Map<Digest, ManifestContent> converted = new HashMap<>();
    List<ManifestContent> out = new ArrayList<>();
    for (ManifestContent m : image.manifests()) {
      ManifestContent c = convertOne(m, converted);
      converted.put(m.digest(), c);
      out.add(c);
    }
    ManifestContent root = convertOne(image.root(), converted);
    converted.put(image.root().digest(), root);
    Map<Digest, Digest> renamed = new HashMap<>();
    converted.forEach((from, to) -> renamed.put(from, to.digest()));
    return new Converted(new ImageSet(root, out, image.blobs()), renamed);
  }

  private static ManifestContent convertOne(ManifestContent m, Map<Digest, ManifestContent> done) throws IOException {
    ObjectNode json = (ObjectNode) ManifestJson.read(m.bytes(), "manifest " + m.digest());
    json.remove("artifactType");
    json.remove("subject");
    String type;
    if (ManifestJson.isIndex(m.mediaType())) {
      type = MediaType.DOCKER_MANIFEST_LIST;
      for (JsonNode entry : json.path("manifests")) {
        ObjectNode e = (ObjectNode) entry;
        ManifestContent child = done.get(Digest.parse(e.path("digest").asText()));
        if (child != null) {
          e.put("mediaType", child.mediaType());
          e.put("size", child.size());
          e.put("digest", child.digest().toString());
        }
        e.remove("artifactType");
      }
    } else {
      type = MediaType.DOCKER_MANIFEST;
      ObjectNode config = (ObjectNode) json.path("config");
      String configType = config.path("mediaType").asText();
      if (!configType.equals(MediaType.OCI_CONFIG) && !configType.equals(MediaType.DOCKER_CONFIG)) {
        throw new IOException(
            "manifest " + m.digest() + ": config type " + configType + " has no Docker schema 2 equivalent");
      }
      config.put("mediaType", MediaType.DOCKER_CONFIG);
      for (JsonNode layer : json.path("layers")) {
        String lt = layer.path("mediaType").asText();
        String docker = LAYER_TYPES.get(lt);
        if (docker == null) {
          throw new IOException(
              "manifest " + m.digest() + ": layer type " + lt + " has no Docker schema 2 equivalent");
        }
        ((ObjectNode) layer).put("mediaType", docker);
      }
    }
    if (json.has("mediaType")) {
      json.put("mediaType", type);
    }
    return ManifestContent.of(type, ManifestJson.MAPPER.writeValueAsBytes(json));
  }
}
