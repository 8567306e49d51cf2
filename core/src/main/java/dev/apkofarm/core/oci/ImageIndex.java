package dev.apkofarm.core.oci;

import dev.apkofarm.core.oci.json.GoJsonWriter;
import java.util.List;
import java.util.Map;

/**
 * An OCI image index ({@code application/vnd.oci.image.index.v1+json}): one manifest descriptor per platform (with
 * {@code platform} and {@code artifactType}, in the order given) and the index annotations.
 *
 * @param manifests the per-arch manifests, in index order
 * @param annotations sorted by key; omitted when empty
 */
public record ImageIndex(List<Descriptor> manifests, Map<String, String> annotations) {
  public ImageIndex {
    manifests = List.copyOf(manifests);
    annotations = ImageConfigFile.sorted(annotations);
  }

  /** Compact JSON, no trailing newline: the index blob and an OCI layout's {@code index.json}. */
  public byte[] toJson() {
    GoJsonWriter w = GoJsonWriter.compact();
    w.beginObject();
    w.field("schemaVersion", 2);
    w.field("mediaType", MediaType.OCI_INDEX);
    w.name("manifests").beginArray();
    manifests.forEach(m -> OciJson.descriptor(w, m));
    w.endArray();
    if (!annotations.isEmpty()) {
      OciJson.stringMap(w.name("annotations"), annotations);
    }
    w.endObject();
    return w.toBytes();
  }
}
