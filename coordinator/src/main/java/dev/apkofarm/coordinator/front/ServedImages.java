package dev.apkofarm.coordinator.front;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.core.io.AtomicFile;
import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images the front has served, by lock digest, kept in memory and in the coordinator's data dir (one small JSON
 * file each, {@code <lock hex>.json}) so that pins and pulls by digest survive a restart as the blobs and results they
 * name do. An image whose results the farm no longer retains is forgotten (memory and file) when a request finds so.
 */
final class ServedImages {
  private static final Logger log = LoggerFactory.getLogger(ServedImages.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int VERSION = 1;
  /** A record is a few hundred bytes per arch; anything this big was not written by us. */
  private static final long MAX_FILE = 1 << 20;

  private final Path dir;
  private final Map<Digest, ServedImage> byLock = new HashMap<>();
  private final Map<String, List<ServedImage>> byName = new HashMap<>();

  private ServedImages(Path dir) {
    this.dir = dir;
  }

  /** The served images recorded in {@code dir} (created if missing); an unreadable record is dropped, and logged. */
  static ServedImages open(Path dir) throws IOException {
    Files.createDirectories(dir);
    ServedImages s = new ServedImages(dir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        try {
          if (Files.size(f) > MAX_FILE) {
            throw new IOException("larger than " + MAX_FILE + " bytes");
          }
          ServedImage image = JSON.readValue(f.toFile(), Stored.class).toImage();
          if (!f.getFileName().toString().equals(image.lockDigest().hex() + ".json")) {
            throw new IOException("its lock digest is " + image.lockDigest());
          }
          s.add(image);
        } catch (IOException | RuntimeException e) {
          log.warn("dropping served-image record {}: {}", f, e.getMessage());
          Files.deleteIfExists(f);
        }
      }
    }
    return s;
  }

  /** Records {@code image} (a repeat of a lock digest keeps the first record, and its time). */
  synchronized ServedImage record(ServedImage image) throws IOException {
    ServedImage earlier = byLock.get(image.lockDigest());
    if (earlier != null) {
      return earlier;
    }
    AtomicFile.write(dir.resolve(image.lockDigest().hex() + ".json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Stored.of(image)));
    add(image);
    return image;
  }

  private void add(ServedImage image) {
    byLock.put(image.lockDigest(), image);
    byName.computeIfAbsent(image.name(), n -> new ArrayList<>()).add(image);
  }

  synchronized Optional<ServedImage> byLock(Digest lockDigest) {
    return Optional.ofNullable(byLock.get(lockDigest));
  }

  /** The images served under {@code name}, newest first. */
  synchronized List<ServedImage> of(String name) {
    List<ServedImage> out = new ArrayList<>(byName.getOrDefault(name, List.of()));
    out.sort(Comparator.comparingLong(ServedImage::servedAtMillis).reversed()
        .thenComparing(s -> s.lockDigest().hex()));
    return out;
  }

  /** Every recorded image. */
  synchronized List<ServedImage> all() {
    return List.copyOf(byLock.values());
  }

  /** Forgets an image whose results are gone. */
  synchronized void forget(ServedImage image) throws IOException {
    if (byLock.remove(image.lockDigest()) != null) {
      List<ServedImage> named = byName.get(image.name());
      named.removeIf(s -> s.lockDigest().equals(image.lockDigest()));
      if (named.isEmpty()) {
        byName.remove(image.name());
      }
    }
    Files.deleteIfExists(dir.resolve(image.lockDigest().hex() + ".json"));
  }

  /** The file form of a served image. */
  record Stored(int version, String name, String lockDigest, Map<String, String> buildKeys, Blob index,
      List<Blob> manifests, List<Blob> blobs, long servedAtMillis) {
    static Stored of(ServedImage s) {
      return new Stored(VERSION, s.name(), s.lockDigest().toString(), new TreeMap<>(s.buildKeys()),
          Blob.of(s.index()), s.manifests().stream().map(Blob::of).toList(), s.blobs().stream().map(Blob::of).toList(),
          s.servedAtMillis());
    }

    ServedImage toImage() throws IOException {
      if (version != VERSION) {
        throw new IOException("record version " + version + ", this coordinator writes " + VERSION);
      }
      return new ServedImage(name, Digest.parse(lockDigest), new TreeMap<>(buildKeys), index.toRef(),
          manifests.stream().map(Blob::toRef).toList(), blobs.stream().map(Blob::toRef).toList(), servedAtMillis);
    }
  }

  /** A blob as recorded: what a response needs (media type, digest, size) and a manifest's platform. */
  record Blob(String mediaType, String digest, long size, String platform) {
    static Blob of(BlobRef b) {
      return new Blob(b.mediaType(), b.digest(), b.size(), b.platform());
    }

    BlobRef toRef() {
      return new BlobRef(mediaType, digest, size, platform, null, new TreeMap<>());
    }
  }
}
