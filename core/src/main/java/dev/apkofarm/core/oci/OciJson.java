package dev.apkofarm.core.oci;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.oci.json.GoJsonWriter;
import java.util.Map;
import java.util.TreeMap;

/** JSON fragments shared by manifests and indexes, in go-containerregistry's field order. */
final class OciJson {
  private OciJson() {}

  /** A descriptor: mediaType, size, digest, annotations, platform, artifactType (empty ones omitted). */
  static void descriptor(GoJsonWriter w, Descriptor d) {
    w.beginObject();
    w.field("mediaType", d.mediaType());
    w.field("size", d.size());
    w.field("digest", d.digest().toString());
    if (!d.annotations().isEmpty()) {
      w.name("annotations");
      stringMap(w, d.annotations());
    }
    d.platform().ifPresent(p -> platform(w.name("platform"), p));
    d.artifactType().ifPresent(t -> w.field("artifactType", t));
    w.endObject();
  }

  /** A platform: architecture, os, variant. */
  static void platform(GoJsonWriter w, Platform p) {
    w.beginObject();
    w.field("architecture", p.architecture());
    w.field("os", p.os());
    p.variant().ifPresent(v -> w.field("variant", v));
    w.endObject();
  }

  /** A string map with keys in byte order, as Go marshals maps. */
  static void stringMap(GoJsonWriter w, Map<String, String> map) {
    TreeMap<String, String> sorted = new TreeMap<>(CodePointOrder.INSTANCE);
    sorted.putAll(map);
    w.beginObject();
    sorted.forEach(w::field);
    w.endObject();
  }
}
