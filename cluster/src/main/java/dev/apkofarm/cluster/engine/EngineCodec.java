package dev.apkofarm.cluster.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.build.LockedImage;
import dev.apkofarm.core.build.LockedPackage;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.ConfigWriter;
import dev.apkofarm.core.install.ApkDatabase.KeyFile;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.oci.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the engine's values cross the farm: a locked image for one arch (coordinator to worker) and a built arch
 * (worker to coordinator), as canonical JSON. Canonical matters: the locked arch's bytes are part of the build key,
 * so equal locks must encode to equal bytes (fields in a fixed order, no maps of unordered keys).
 */
public final class EngineCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EngineCodec() {}

  /** An image locked for one arch, as a worker builds it. */
  public record LockedArch(String configName, LockedImage image, Arch arch) {}

  /** Encodes arch {@code arch} of {@code image} (config, keyring, that arch's packages in install order). */
  public static byte[] encodeLocked(String configName, LockedImage image, Arch arch) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", "apko-farm locked arch v1");
    root.put("name", configName);
    root.put("arch", arch.ociName());
    root.put("config", ConfigWriter.yaml(image.config()));
    ArrayNode keys = root.putArray("keyring");
    for (KeyFile k : image.keyring()) {
      keys.addObject().put("name", k.name()).put("content", Base64.getEncoder().encodeToString(k.content()));
    }
    ArrayNode pkgs = root.putArray("packages");
    for (LockedPackage p : image.packages(arch)) {
      pkgs.addObject().put("name", p.name()).put("version", p.version()).put("arch", p.arch())
          .put("repository", p.repository()).put("url", p.url()).put("checksum", p.checksum()).put("size", p.size());
    }
    return bytes(root);
  }

  /** Decodes {@link #encodeLocked}; relative paths in the config resolve against {@code workDir}. */
  public static LockedArch decodeLocked(byte[] bytes, Path workDir) throws BadInputException {
    JsonNode root = tree(bytes, "locked arch");
    String name = root.path("name").asText();
    Arch arch = Arch.parse(root.path("arch").asText())
        .orElseThrow(() -> new BadInputException("locked arch names an unknown arch: " + root.path("arch")));
    var loaded = new ConfigLoader(workDir).parse(name, root.path("config").asText().getBytes(StandardCharsets.UTF_8));
    List<KeyFile> keys = new ArrayList<>();
    for (JsonNode k : root.path("keyring")) {
      keys.add(new KeyFile(k.path("name").asText(), Base64.getDecoder().decode(k.path("content").asText())));
    }
    List<LockedPackage> pkgs = new ArrayList<>();
    for (JsonNode p : root.path("packages")) {
      pkgs.add(new LockedPackage(p.path("name").asText(), p.path("version").asText(), p.path("arch").asText(),
          p.path("repository").asText(), p.path("url").asText(), p.path("checksum").asText(), p.path("size").asLong()));
    }
    return new LockedArch(name, new LockedImage(loaded.config(), keys, Map.of(arch, pkgs)), arch);
  }

  /** Encodes what the index step needs of a built arch. */
  public static byte[] encodeBuilt(BuiltArch b) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", "apko-farm built arch v1");
    root.put("arch", b.arch().ociName());
    root.set("manifest", descriptor(b.manifest()));
    root.set("config", descriptor(b.config()));
    ArrayNode layers = root.putArray("layers");
    for (Layer l : b.layers()) {
      ObjectNode n = layers.addObject();
      n.put("diffId", l.diffId().toString());
      n.set("blob", descriptor(l.blob()));
      n.put("uncompressedSize", l.uncompressedSize());
    }
    root.put("createdSeconds", b.created().getEpochSecond());
    root.put("createdNanos", b.created().getNano());
    b.sbom().ifPresent(s -> root.set("sbom", descriptor(s)));
    ArrayNode pkgs = root.putArray("packages");
    b.packages().forEach(pkgs::add);
    return bytes(root);
  }

  public static BuiltArch decodeBuilt(byte[] bytes) throws BadInputException {
    JsonNode root = tree(bytes, "built arch");
    Arch arch = Arch.parse(root.path("arch").asText())
        .orElseThrow(() -> new BadInputException("built arch names an unknown arch: " + root.path("arch")));
    List<Layer> layers = new ArrayList<>();
    for (JsonNode l : root.path("layers")) {
      layers.add(new Layer(Digest.parse(l.path("diffId").asText()), descriptor(l.path("blob")),
          l.path("uncompressedSize").asLong()));
    }
    List<String> pkgs = new ArrayList<>();
    root.path("packages").forEach(p -> pkgs.add(p.asText()));
    Optional<Descriptor> sbom = root.has("sbom") ? Optional.of(descriptor(root.path("sbom"))) : Optional.empty();
    return new BuiltArch(arch, descriptor(root.path("manifest")), descriptor(root.path("config")), layers,
        Instant.ofEpochSecond(root.path("createdSeconds").asLong(), root.path("createdNanos").asLong()), sbom, pkgs);
  }

  private static ObjectNode descriptor(Descriptor d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("mediaType", d.mediaType());
    n.put("digest", d.digest().toString());
    n.put("size", d.size());
    d.platform().ifPresent(p -> n.put("platform", p.toString()));
    d.artifactType().ifPresent(t -> n.put("artifactType", t));
    ObjectNode a = n.putObject("annotations");
    d.annotations().forEach(a::put);
    return n;
  }

  private static Descriptor descriptor(JsonNode n) {
    Optional<Platform> platform = Optional.empty();
    if (n.has("platform")) {
      String[] p = n.path("platform").asText().split("/", 3);
      platform = Optional.of(new Platform(p[0], p[1], p.length > 2 ? Optional.of(p[2]) : Optional.empty()));
    }
    TreeMap<String, String> annotations = new TreeMap<>();
    n.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    return new Descriptor(n.path("mediaType").asText(), Digest.parse(n.path("digest").asText()),
        n.path("size").asLong(), platform,
        n.has("artifactType") ? Optional.of(n.path("artifactType").asText()) : Optional.empty(), annotations);
  }

  private static byte[] bytes(ObjectNode root) {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode tree(byte[] bytes, String what) throws BadInputException {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new BadInputException("malformed " + what + ": " + e.getMessage(), e);
    }
  }
}
