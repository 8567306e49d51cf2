package dev.apkofarm.core.oci;

import dev.apkofarm.core.oci.json.GoJsonWriter;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI image manifest ({@code application/vnd.oci.image.manifest.v1+json}) in go-containerregistry's field
 * order: {@code schemaVersion, mediaType, config, layers, annotations}.
 *
 * @param config the config blob
 * @param layers the layer blobs, bottom first
 * @param annotations sorted by key; omitted when empty
 */
public record ImageManifest(Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
  public ImageManifest {
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    annotations = ImageConfigFile.sorted(annotations);
  }

  /** Compact JSON, no trailing newline: these bytes are the manifest blob. */
  public byte[] toJson() {
    GoJsonWriter w = GoJsonWriter.compact();
    w.beginObject();
    w.field("schemaVersion", 2);
    w.field("mediaType", MediaType.OCI_MANIFEST);
    OciJson.descriptor(w.name("config"), config);
    w.name("layers").beginArray();
    layers.forEach(l -> OciJson.descriptor(w, l));
    w.endArray();
    if (!annotations.isEmpty()) {
      OciJson.stringMap(w.name("annotations"), annotations);
    }
    w.endObject();
    return w.toBytes();
  }
}
