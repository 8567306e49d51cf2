package dev.apkofarm.core.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.BaseImage;
import dev.apkofarm.core.install.InstalledDatabase;
import dev.apkofarm.core.install.InstalledPackage;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.oci.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads {@code contents.baseimage}: {@code image}, an OCI image layout (its {@code index.json} lists the per-arch
 * manifests, or points at an index that does), and {@code apkindex}, a directory with {@code <apk arch>/APKINDEX},
 * the installed database of each arch's base. As in apko, both paths are looked up in the working directory, then
 * in each include path, and the image of an arch is the first manifest whose config names that architecture.
 * Every blob read is checked against its digest; the layers are checked when they are copied
 * ({@link BaseLayers}).
 */
public final class BaseImages {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Manifests, indexes and configs are small; a bigger one is not what it claims to be. */
  private static final long MAX_JSON = 4 << 20;

  private BaseImages() {}

  /**
   * Reads the base for {@code archs}.
   *
   * @param searchDirs where relative paths are looked up, in order (working directory first)
   * @param warnings notes for the user (an installed database whose last record apko ignores)
   * @throws BadInputException naming the path or blob that is missing or wrong
   */
  public static LockedBase load(BaseImage base, List<Path> searchDirs, List<Arch> archs, Consumer<String> warnings)
      throws BadInputException, IOException {
    Path layout = find(base.image(), searchDirs, "contents.baseimage.image");
    Path apkindex = find(base.apkindex(), searchDirs, "contents.baseimage.apkindex");
    String apkindexName = base.apkindex().replaceAll("/+$", "");
    if (!Files.isRegularFile(layout.resolve("index.json"))) {
      throw new BadInputException("contents.baseimage.image " + base.image() + ": " + layout
          + " is not an OCI image layout (no index.json)");
    }
    Path blobs = layout.resolve("blobs");
    JsonNode index = readJson(layout.resolve("index.json"), base.image() + "/index.json");
    index = unnest(index, blobs, base.image());
    Map<Arch, BaseArch> out = new LinkedHashMap<>();
    for (Arch arch : archs) {
      out.put(arch, readArch(base, apkindexName, index, blobs, apkindex, arch, warnings));
    }
    LockedBase locked = new LockedBase(base.image(), base.apkindex(), blobs, out);
    try {
      locked.index(); // every package name and version held to apk's rules, as an index's are
    } catch (IllegalArgumentException e) {
      throw new BadInputException("contents.baseimage.apkindex " + base.apkindex() + ": " + e.getMessage());
    }
    return locked;
  }

  private static Path find(String path, List<Path> searchDirs, String field) throws BadInputException {
    for (Path dir : searchDirs) {
      Path p = dir.resolve(path).normalize();
      if (Files.exists(p)) {
        return p;
      }
    }
    String hint = path.contains(":") && !path.startsWith("/") && !path.startsWith(".")
        ? "; it must be a local OCI image layout, as in apko (registry references are not supported)" : "";
    throw new BadInputException(field + " " + path + " does not exist (looked in " + searchDirs + ")" + hint);
  }

  /** apko: when the index lists an index, the image's manifests are in that one. */
  private static JsonNode unnest(JsonNode index, Path blobs, String image) throws BadInputException, IOException {
    for (JsonNode m : index.path("manifests")) {
      if (MediaType.OCI_INDEX.equals(m.path("mediaType").asText())) {
        return readJson(blob(blobs, m, image), image + " index " + m.path("digest").asText());
      }
    }
    return index;
  }

  private static BaseArch readArch(
      BaseImage base, String apkindexName, JsonNode index, Path blobs, Path apkindex, Arch arch,
      Consumer<String> warnings)
      throws BadInputException, IOException {
    String image = base.image();
    for (JsonNode m : index.path("manifests")) {
      byte[] manifestBytes = verified(blob(blobs, m, image), m, image);
      JsonNode manifest = parse(manifestBytes, image + " manifest " + m.path("digest").asText());
      JsonNode configDescriptor = manifest.path("config");
      byte[] config = verified(blob(blobs, configDescriptor, image), configDescriptor, image);
      JsonNode configJson = parse(config, image + " config " + configDescriptor.path("digest").asText());
      if (!arch.ociArchitecture().equals(configJson.path("architecture").asText())) {
        continue;
      }
      String what = image + " (" + arch + ")";
      List<Layer> layers = layers(manifest, configJson, blobs, what);
      Path db = apkindex.resolve(arch.apkName()).resolve("APKINDEX");
      byte[] text;
      try {
        if (Files.size(db) > InstalledDatabase.MAX_BYTES) {
          throw new BadInputException(base.apkindex() + "/" + arch.apkName() + "/APKINDEX is too large");
        }
        text = Files.readAllBytes(db);
      } catch (NoSuchFileException e) {
        throw new BadInputException("contents.baseimage.apkindex " + base.apkindex() + " has no "
            + arch.apkName() + "/APKINDEX (the base's installed packages for " + arch + ")");
      }
      List<InstalledPackage> installed;
      try {
        installed = InstalledDatabase.parse(text, apkindexName + "/" + arch.apkName() + "/APKINDEX", warnings);
      } catch (BadInputException e) {
        // The database's records are package metadata, held to apk's name and version rules as they are read.
        throw new BadInputException("contents.baseimage.apkindex " + base.apkindex() + ": " + e.getMessage(), e);
      }
      Descriptor manifestDescriptor =
          Descriptor.of(m.path("mediaType").asText(), Digest.parse(m.path("digest").asText()), manifestBytes.length);
      return new BaseArch(arch, manifestDescriptor, stringMap(manifest.path("annotations")), config, layers, installed);
    }
    throw new BadInputException("contents.baseimage.image " + image + " has no image for " + arch
        + " (no manifest whose config says architecture " + arch.ociArchitecture() + ")");
  }

  private static List<Layer> layers(JsonNode manifest, JsonNode config, Path blobs, String what)
      throws BadInputException {
    if (manifest.hasNonNull("artifactType") || manifest.hasNonNull("subject")) {
      throw new BadInputException(what + ": the base manifest is an artifact or has a subject; it must be a plain"
          + " image manifest");
    }
    JsonNode descriptors = manifest.path("layers");
    JsonNode diffIds = config.path("rootfs").path("diff_ids");
    if (!descriptors.isArray() || descriptors.size() != diffIds.size()) {
      throw new BadInputException(what + ": the manifest lists " + descriptors.size() + " layers but the config "
          + diffIds.size() + " diff_ids");
    }
    List<Layer> out = new ArrayList<>();
    for (int i = 0; i < descriptors.size(); i++) {
      JsonNode d = descriptors.get(i);
      String mediaType = d.path("mediaType").asText();
      if (!BaseLayers.supports(mediaType)) {
        throw new BadInputException(what + ": layer " + d.path("digest").asText() + " has media type \"" + mediaType
            + "\"; only tar and tar+gzip layers can be reused (and checked)");
      }
      if (d.has("urls") || d.has("data")) {
        throw new BadInputException(what + ": layer " + d.path("digest").asText()
            + " has urls or inline data (a foreign layer), which is not supported");
      }
      Digest digest = digest(d, what);
      long size = d.path("size").asLong(-1);
      if (size < 0) {
        throw new BadInputException(what + ": layer " + digest + " has no size");
      }
      Path file = blobs.resolve(digest.algorithm()).resolve(digest.hex());
      if (!Files.isRegularFile(file)) {
        throw new BadInputException(what + ": layer blob " + digest + " is missing from the layout");
      }
      Descriptor descriptor =
          Descriptor.of(mediaType, digest, size).withAnnotations(stringMap(d.path("annotations")));
      out.add(new Layer(diffId(diffIds.get(i), what), descriptor, 0));
    }
    return out;
  }

  private static Digest diffId(JsonNode n, String what) throws BadInputException {
    try {
      return Digest.parse(n.asText());
    } catch (IllegalArgumentException e) {
      throw new BadInputException(what + ": diff_id \"" + n.asText() + "\" is not a sha256 digest");
    }
  }

  private static Digest digest(JsonNode descriptor, String what) throws BadInputException {
    try {
      return Digest.parse(descriptor.path("digest").asText());
    } catch (IllegalArgumentException e) {
      throw new BadInputException(what + ": descriptor digest \"" + descriptor.path("digest").asText()
          + "\" is not a sha256 digest");
    }
  }

  private static Path blob(Path blobs, JsonNode descriptor, String image) throws BadInputException {
    Digest d = digest(descriptor, image);
    Path p = blobs.resolve(d.algorithm()).resolve(d.hex());
    if (!Files.isRegularFile(p)) {
      throw new BadInputException("contents.baseimage.image " + image + ": blob " + d + " is missing");
    }
    return p;
  }

  /** Reads a small blob and checks that it hashes to its descriptor's digest. */
  private static byte[] verified(Path file, JsonNode descriptor, String image) throws BadInputException, IOException {
    byte[] bytes = readLimited(file, image);
    Digest want = digest(descriptor, image);
    Digest got = Digest.of(bytes);
    if (!got.equals(want)) {
      throw new BadInputException("contents.baseimage.image " + image + ": blob " + want + " hashes to " + got);
    }
    return bytes;
  }

  private static JsonNode readJson(Path file, String what) throws BadInputException, IOException {
    return parse(readLimited(file, what), what);
  }

  private static byte[] readLimited(Path file, String what) throws BadInputException, IOException {
    if (Files.size(file) > MAX_JSON) {
      throw new BadInputException(what + ": " + file.getFileName() + " is larger than " + MAX_JSON + " bytes");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return in.readAllBytes();
    }
  }

  private static JsonNode parse(byte[] bytes, String what) throws BadInputException {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new BadInputException(what + " is not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new BadInputException(what + " is not JSON: " + e.getMessage());
    }
  }

  private static Map<String, String> stringMap(JsonNode n) {
    Map<String, String> out = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = n.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** The search directories for a config: the working directory, then each include path (relative ones to it). */
  public static List<Path> searchDirs(Path workDir, List<Path> includePaths) {
    List<Path> dirs = new ArrayList<>();
    dirs.add(workDir);
    includePaths.forEach(p -> dirs.add(workDir.resolve(p).normalize()));
    return dirs;
  }

}
