package dev.apkofarm.core.oci;

import dev.apkofarm.core.apk.archive.TarHeader;
import dev.apkofarm.core.apk.archive.TarWriter;
import dev.apkofarm.core.io.AtomicFile;
import dev.apkofarm.core.oci.json.GoJsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes a tarball that {@code docker load} accepts and that is also an OCI image layout archive: every blob under
 * {@code blobs/sha256/}, {@code index.json}, {@code oci-layout}, and Docker's {@code manifest.json} naming each
 * arch's config, layers and tags. Byte-deterministic: entries in a fixed order, mode 0644/0755, owner 0, mtime 0.
 * Written to a temporary file beside the target and renamed into place.
 */
public final class DockerArchive {
  private DockerArchive() {}

  /**
   * One image of the archive.
   *
   * @param repoTags the tags {@code docker load} gives it, e.g. {@code golden:latest}
   * @param manifest its manifest blob
   * @param config its config blob
   * @param layers its layer blobs, bottom first
   */
  public record Image(List<String> repoTags, Descriptor manifest, Descriptor config, List<Descriptor> layers) {
    public Image {
      repoTags = List.copyOf(repoTags);
      Objects.requireNonNull(manifest, "manifest");
      Objects.requireNonNull(config, "config");
      layers = List.copyOf(layers);
    }
  }

  /** Writes the archive to {@code out}. */
  public static void write(Path out, byte[] indexJson, List<Image> images, BlobSource source) throws IOException {
    AtomicFile.write(out, file -> writeTo(file, indexJson, images, source));
  }

  static void writeTo(OutputStream out, byte[] indexJson, List<Image> images, BlobSource source)
      throws IOException {
    TreeMap<Digest, Descriptor> blobs = new TreeMap<>();
    for (Image i : images) {
      blobs.put(i.manifest().digest(), i.manifest());
      blobs.put(i.config().digest(), i.config());
      i.layers().forEach(l -> blobs.put(l.digest(), l));
    }
    try (TarWriter tar = new TarWriter(out)) {
      tar.writeHeader(TarHeader.of(TarHeader.DIR, "blobs", "", 0, 0755, 0));
      tar.writeHeader(TarHeader.of(TarHeader.DIR, "blobs/sha256", "", 0, 0755, 0));
      for (Descriptor d : blobs.values()) {
        tar.writeHeader(TarHeader.of(TarHeader.REG, path(d), "", d.size(), 0644, 0));
        try (InputStream in = source.open(d.digest())) {
          tar.copyFrom(in);
        }
      }
      file(tar, "index.json", indexJson);
      file(tar, "manifest.json", manifestJson(images));
      file(tar, "oci-layout", OciLayout.LAYOUT_FILE);
    }
  }

  private static void file(TarWriter tar, String name, byte[] content) throws IOException {
    tar.writeHeader(TarHeader.of(TarHeader.REG, name, "", content.length, 0644, 0));
    tar.write(content, 0, content.length);
  }

  private static String path(Descriptor d) {
    return "blobs/" + d.digest().algorithm() + "/" + d.digest().hex();
  }

  /** Docker's {@code manifest.json}: {@code [{"Config":…,"RepoTags":[…],"Layers":[…]}]}. */
  static byte[] manifestJson(List<Image> images) {
    GoJsonWriter w = GoJsonWriter.compact();
    w.beginArray();
    for (Image i : images) {
      w.beginObject();
      w.field("Config", path(i.config()));
      w.field("RepoTags", i.repoTags());
      List<String> layers = new ArrayList<>();
      i.layers().forEach(l -> layers.add(path(l)));
      w.field("Layers", layers);
      w.endObject();
    }
    w.endArray();
    return w.toBytes();
  }
}
