package dev.apkofarm.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A small multi-platform OCI image layout built in test code: per platform a real gzip tar layer (an
 * {@code /etc/arch} file naming the platform, plus an optional incompressible payload), a config, a manifest; an
 * index over them written as {@code index.json} (apko's layout shape); and an SPDX-ish SBOM per platform in
 * {@code sboms/}. Layers are streamed to disk, so payloads can be large.
 *
 * @param layout the layout directory
 * @param index the digest of the index ({@code index.json}'s bytes)
 * @param manifests manifest digest per architecture ({@code amd64}, {@code arm64})
 * @param layers layer digest per architecture
 */
public record SyntheticImage(Path layout, Digest index, Map<String, Digest> manifests, Map<String, Digest> layers) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The apk architecture names apko uses in SBOM file names. */
  private static final Map<String, String> APK_ARCH = Map.of("amd64", "x86_64", "arm64", "aarch64");

  /**
   * Writes a linux/amd64 + linux/arm64 layout to {@code dir}.
   *
   * @param payloadBytes random bytes added to each layer (0 for a tiny image)
   * @param salt changes every digest (different images from the same call)
   */
  public static SyntheticImage write(Path dir, long payloadBytes, String salt) throws IOException {
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.createDirectories(dir.resolve("sboms"));
    Map<String, Digest> manifests = new LinkedHashMap<>();
    Map<String, Digest> layers = new LinkedHashMap<>();
    StringBuilder entries = new StringBuilder();
    for (String arch : List.of("amd64", "arm64")) {
      Path tmp = Files.createTempFile(blobs, "layer", ".tmp");
      MessageDigest tarDigest = Digest.newSha256();
      MessageDigest gzDigest = Digest.newSha256();
      long gzSize;
      try (OutputStream file = Files.newOutputStream(tmp);
          CountingStream counted = new CountingStream(new DigestOutputStream(file, gzDigest));
          GZIPOutputStream gz = new GZIPOutputStream(counted, 1 << 16);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(new DigestOutputStream(gz, tarDigest))) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        addDir(tar, "etc/");
        byte[] content = (arch + " " + salt + "\n").getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry("etc/arch");
        e.setSize(content.length);
        e.setModTime(0);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
        if (payloadBytes > 0) {
          TarArchiveEntry p = new TarArchiveEntry("payload.bin");
          p.setSize(payloadBytes);
          p.setModTime(0);
          tar.putArchiveEntry(p);
          Random random = new Random((arch + salt).hashCode());
          byte[] buf = new byte[1 << 16];
          for (long left = payloadBytes; left > 0; ) {
            random.nextBytes(buf);
            int n = (int) Math.min(buf.length, left);
            tar.write(buf, 0, n);
            left -= n;
          }
          tar.closeArchiveEntry();
        }
        tar.finish();
        gz.finish();
        gzSize = counted.count;
      }
      Digest layer = Digest.sha256(gzDigest.digest());
      Digest diffId = Digest.sha256(tarDigest.digest());
      Files.move(tmp, blobs.resolve(layer.hex()), StandardCopyOption.REPLACE_EXISTING);
      layers.put(arch, layer);

      String config =
          "{\"architecture\":\"" + arch + "\",\"config\":{\"Env\":[\"SALT=" + salt + "\"]},\"created\":"
              + "\"1970-01-01T00:00:00Z\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
              + diffId + "\"]}}";
      Digest configDigest = writeBlob(blobs, config);
      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
              + MediaType.OCI_CONFIG + "\",\"size\":" + config.length() + ",\"digest\":\"" + configDigest
              + "\"},\"layers\":[{\"mediaType\":\"" + MediaType.OCI_LAYER_GZIP + "\",\"size\":" + gzSize
              + ",\"digest\":\"" + layer + "\"}]}";
      Digest manifestDigest = writeBlob(blobs, manifest);
      manifests.put(arch, manifestDigest);
      if (entries.length() > 0) {
        entries.append(',');
      }
      entries.append("{\"mediaType\":\"").append(MediaType.OCI_MANIFEST).append("\",\"size\":")
          .append(manifest.length()).append(",\"digest\":\"").append(manifestDigest)
          .append("\",\"platform\":{\"architecture\":\"").append(arch).append("\",\"os\":\"linux\"}}");

      ObjectNode sbom = JSON.createObjectNode();
      sbom.put("spdxVersion", "SPDX-2.3");
      sbom.put("name", "sbom-" + APK_ARCH.get(arch) + "-" + salt);
      Files.write(dir.resolve("sboms/sbom-" + APK_ARCH.get(arch) + ".spdx.json"), JSON.writeValueAsBytes(sbom));
    }
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"manifests\":[" + entries + "]}";
    Files.writeString(dir.resolve("index.json"), index);
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    return new SyntheticImage(dir, Digest.of(index.getBytes(StandardCharsets.UTF_8)), manifests, layers);
  }

  private static void addDir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry d = new TarArchiveEntry(name);
    d.setModTime(0);
    tar.putArchiveEntry(d);
    tar.closeArchiveEntry();
  }

  private static Digest writeBlob(Path blobs, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.of(bytes);
    Files.write(blobs.resolve(d.hex()), bytes);
    return d;
  }

  /** The SBOM directory ({@code sboms/}). */
  public Path sboms() {
    return layout.resolve("sboms");
  }

  private static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
