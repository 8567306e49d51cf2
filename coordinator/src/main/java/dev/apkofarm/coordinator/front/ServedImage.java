package dev.apkofarm.coordinator.front;

import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Digest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An image the front has answered a pull with: its name, its lock digest (the image key of its locked inputs, which a
 * tag {@code sha256-<hex>} pins), the build key of every arch (whose results must still be retained for the image to
 * be served), and its index and blobs: what may be fetched by digest under that name.
 *
 * @param name the canonical repository name
 * @param lockDigest {@code BuildKey.ofImage} of the arch keys
 * @param buildKeys OCI arch name -> build key
 * @param index the image index
 * @param manifests the per-arch manifests
 * @param blobs every other blob: configs and layers
 * @param servedAtMillis when it was first served
 */
record ServedImage(
    String name,
    Digest lockDigest,
    SortedMap<String, String> buildKeys,
    BlobRef index,
    List<BlobRef> manifests,
    List<BlobRef> blobs,
    long servedAtMillis) {
  /** A lock digest as a tag: OCI tags cannot hold {@code :}, so {@code sha256:<hex>} is written {@code sha256-<hex>}. */
  private static final Pattern PIN = Pattern.compile("sha256-([0-9a-f]{64})");

  ServedImage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(lockDigest, "lockDigest");
    Objects.requireNonNull(index, "index");
    buildKeys = Collections.unmodifiableSortedMap(new TreeMap<>(buildKeys));
    manifests = List.copyOf(manifests);
    blobs = List.copyOf(blobs);
    if (buildKeys.isEmpty()) {
      throw new IllegalArgumentException("a served image has at least one arch");
    }
  }

  /** The image of {@code results} (one per arch, in {@code buildKeys} order) under {@code index}. */
  static ServedImage of(String name, Map<Arch, String> buildKeys, BlobRef index, List<BuildResult> results,
      long nowMillis) {
    TreeMap<String, String> keys = new TreeMap<>();
    buildKeys.forEach((arch, key) -> keys.put(arch.ociName(), key));
    List<BlobRef> manifests = new ArrayList<>();
    List<BlobRef> blobs = new ArrayList<>();
    for (BuildResult r : results) {
      manifests.add(r.manifest());
      blobs.add(r.config());
      r.layers().forEach(l -> blobs.add(l.blob()));
    }
    return new ServedImage(name, lockDigest(buildKeys), keys, index, manifests, blobs, nowMillis);
  }

  /** The lock digest of an image whose archs have these build keys. */
  static Digest lockDigest(Map<Arch, String> buildKeys) {
    TreeMap<Arch, Digest> keys = new TreeMap<>((a, b) -> a.ociName().compareTo(b.ociName()));
    buildKeys.forEach((arch, key) -> keys.put(arch, Digest.parse(key)));
    return dev.apkofarm.core.build.BuildKey.ofImage(keys);
  }

  /** The tag that pins this image: {@code sha256-<hex of the lock digest>}. */
  String pinTag() {
    return "sha256-" + lockDigest.hex();
  }

  /** The lock digest a tag pins, if it is a pin. */
  static Optional<Digest> pinned(String tag) {
    var m = PIN.matcher(tag);
    return m.matches() ? Optional.of(new Digest("sha256", m.group(1))) : Optional.empty();
  }

  /** The build keys in arch order. */
  List<String> keys() {
    return List.copyOf(buildKeys.values());
  }

  /** The index or a manifest with this digest. */
  Optional<BlobRef> manifest(Digest digest) {
    String d = digest.toString();
    if (index.digest().equals(d)) {
      return Optional.of(index);
    }
    return manifests.stream().filter(m -> m.digest().equals(d)).findFirst();
  }

  /** Any blob of the image with this digest (the index and manifests too, as registries serve them). */
  Optional<BlobRef> blob(Digest digest) {
    Optional<BlobRef> m = manifest(digest);
    if (m.isPresent()) {
      return m;
    }
    String d = digest.toString();
    return blobs.stream().filter(b -> b.digest().equals(d)).findFirst();
  }
}
