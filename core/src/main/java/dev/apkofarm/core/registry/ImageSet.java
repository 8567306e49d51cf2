package dev.apkofarm.core.registry;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image to publish: its root (an index, or a single manifest), every manifest under the root (held in memory:
 * they are small), and the store its blobs (configs, layers) stream from.
 *
 * @param root the index (or manifest) the tags will point at
 * @param manifests every manifest and nested index under the root, children before parents
 * @param blobs where configs and layers are read
 */
public record ImageSet(ManifestContent root, List<ManifestContent> manifests, LocalBlobs blobs) {
  private static final int MAX_MANIFEST_BYTES = 4 << 20;

  public ImageSet {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(blobs, "blobs");
    manifests = List.copyOf(manifests);
  }

  /**
   * An image set whose tree under {@code root} is complete: every manifest the root (transitively) lists is among
   * {@code manifests}.
   *
   * @throws IOException naming the first missing or malformed manifest
   */
  public static ImageSet of(ManifestContent root, Collection<ManifestContent> manifests, LocalBlobs blobs)
      throws IOException {
    Map<Digest, ManifestContent> byDigest = new LinkedHashMap<>();
    for (ManifestContent m : manifests) {
      byDigest.put(m.digest(), m);
    }
    List<ManifestContent> ordered = new ArrayList<>();
    collect(root, d -> {
      ManifestContent m = byDigest.get(d.digest());
      if (m == null) {
        throw new IOException("manifest " + d.digest() + " listed in " + root.digest() + " is missing");
      }
      return m;
    }, ordered);
    return new ImageSet(root, ordered, blobs);
  }

  /**
   * Reads an OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/...}). When
   * {@code index.json} lists exactly one entry and it is an index, that index is the root; otherwise
   * {@code index.json} itself is (apko writes the image index as {@code index.json}). Manifests are read and
   * verified against their digests; configs and layers stay on disk.
   *
   * @throws BadInputException when the directory is not an OCI layout or a manifest is missing or corrupt
   */
  public static ImageSet fromOciLayout(Path dir) throws IOException, BadInputException {
    if (!Files.isRegularFile(dir.resolve("oci-layout"))) {
      throw new BadInputException(dir + ": not an OCI image layout (no oci-layout file)");
    }
    byte[] indexJson;
    try {
      indexJson = Files.readAllBytes(dir.resolve("index.json"));
    } catch (NoSuchFileException e) {
      throw new BadInputException(dir + ": not an OCI image layout (no index.json)");
    }
    String indexType =
        ManifestJson.read(indexJson, dir.resolve("index.json").toString())
            .path("mediaType")
            .asText(MediaType.OCI_INDEX);
    ManifestContent top = ManifestContent.of(indexType, indexJson);
    Path blobsDir = dir.resolve("blobs");
    Loader loader = d -> readManifest(blobsDir, d);
    List<Descriptor> entries = ManifestJson.children(top);
    ManifestContent root =
        entries.size() == 1 && ManifestJson.isIndex(entries.get(0).mediaType()) ? loader.load(entries.get(0)) : top;
    List<ManifestContent> ordered = new ArrayList<>();
    try {
      collect(root, loader, ordered);
    } catch (IOException e) {
      throw new BadInputException(dir + ": " + e.getMessage(), e);
    }
    return new ImageSet(root, ordered, LocalBlobs.directory(blobsDir));
  }

  private interface Loader {
    ManifestContent load(Descriptor d) throws IOException;
  }

  /** Children before parents, each once. */
  private static void collect(ManifestContent m, Loader loader, List<ManifestContent> out) throws IOException {
    if (!ManifestJson.isIndex(m.mediaType())) {
      return;
    }
    for (Descriptor d : ManifestJson.children(m)) {
      if (!ManifestJson.isIndex(d.mediaType()) && !ManifestJson.isImageManifest(d.mediaType())) {
        continue; // e.g. an attestation blob listed in an index: not ours to walk
      }
      ManifestContent child = loader.load(d);
      if (!child.mediaType().equals(d.mediaType()) || child.size() != d.size()) {
        throw new IOException("manifest " + d.digest() + " does not match its descriptor in " + m.digest());
      }
      collect(child, loader, out);
      if (out.stream().noneMatch(x -> x.digest().equals(child.digest()))) {
        out.add(child);
      }
    }
  }

  private static ManifestContent readManifest(Path blobsDir, Descriptor d) throws IOException {
    Path file = blobsDir.resolve(d.digest().algorithm()).resolve(d.digest().hex());
    if (d.size() > MAX_MANIFEST_BYTES) {
      throw new IOException("manifest " + d.digest() + " is larger than " + MAX_MANIFEST_BYTES + " bytes");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new IOException("manifest blob " + file + " is missing");
    }
    Digest actual = Digest.of(bytes);
    if (!actual.equals(d.digest())) {
      throw new IOException("manifest blob " + file + " is corrupt: its content hashes to " + actual);
    }
    return new ManifestContent(d.mediaType(), bytes, actual);
  }

  /** The index entries of the root that name a platform (empty when the root is a single manifest). */
  public List<Descriptor> platformManifests() throws IOException {
    if (!ManifestJson.isIndex(root.mediaType())) {
      return List.of();
    }
    List<Descriptor> out = new ArrayList<>();
    for (Descriptor d : ManifestJson.children(root)) {
      if (d.platform().isPresent()) {
        out.add(d);
      }
    }
    return out;
  }

  /** The manifest digest of {@code platform} in the root index, if it has one. */
  public java.util.Optional<Digest> manifestFor(Platform platform) throws IOException {
    return platformManifests().stream()
        .filter(d -> d.platform().get().equals(platform))
        .map(Descriptor::digest)
        .findFirst();
  }

  /** Every config and layer of every image manifest, each blob once, in manifest order. */
  public List<Descriptor> blobDescriptors() throws IOException {
    Map<Digest, Descriptor> out = new LinkedHashMap<>();
    List<ManifestContent> all = new ArrayList<>(manifests);
    all.add(root);
    for (ManifestContent m : all) {
      if (ManifestJson.isImageManifest(m.mediaType())) {
        for (Descriptor d : ManifestJson.children(m)) {
          out.putIfAbsent(d.digest(), d);
        }
      }
    }
    return List.copyOf(out.values());
  }
}
