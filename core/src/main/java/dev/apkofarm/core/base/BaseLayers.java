package dev.apkofarm.core.base;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.oci.BlobSink;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.oci.MediaType;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Copies a base image's layers into a build's blob sink, unchanged, checking each on the way in one pass: the bytes
 * must hash to the manifest's digest and, uncompressed, to the config's diff_id. A base layer that does not is
 * refused, so a tampered base never reaches an output.
 */
public final class BaseLayers {
  private static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
  private static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
  private static final Set<String> GZIP = Set.of(MediaType.OCI_LAYER_GZIP, MediaType.DOCKER_LAYER_GZIP);
  private static final Set<String> PLAIN = Set.of(OCI_LAYER_TAR, DOCKER_LAYER_TAR);

  private BaseLayers() {}

  /** Whether a layer of this media type can be reused and checked. */
  static boolean supports(String mediaType) {
    return GZIP.contains(mediaType) || PLAIN.contains(mediaType);
  }

  /**
   * Copies every layer of {@code base} into {@code sink}; returns them as the sink holds them, bottom first.
   *
   * @param maxUncompressed what the base's layers may expand to, together ({@code --max-image-size})
   */
  public static List<Layer> copy(LockedBase locked, BaseArch base, BlobSink sink, long maxUncompressed)
      throws BadInputException, IOException {
    List<Layer> out = new ArrayList<>();
    long total = 0;
    for (Layer l : base.layers()) {
      Layer copied = copyOne(locked, l, sink, maxUncompressed - total);
      total += copied.uncompressedSize();
      out.add(copied);
    }
    return out;
  }

  private static Layer copyOne(LockedBase locked, Layer layer, BlobSink sink, long budget)
      throws BadInputException, IOException {
    Descriptor d = layer.blob();
    Path file = locked.blobs().resolve(d.digest().algorithm()).resolve(d.digest().hex());
    String what = "base image " + locked.image() + " layer " + d.digest();
    MessageDigest uncompressed = Digest.newSha256();
    long size = 0;
    Descriptor written;
    try (InputStream in = Files.newInputStream(file);
        BlobSink.Pending p = sink.create()) {
      Tee tee = new Tee(in, p.stream());
      byte[] buf = new byte[1 << 16];
      if (GZIP.contains(d.mediaType())) {
        try (InputStream gz = new GZIPInputStream(tee, 1 << 16)) {
          int n;
          while ((n = gz.read(buf)) > 0) {
            uncompressed.update(buf, 0, n);
            size += n;
            if (size > budget) {
              throw new BadInputException(what + " expands past the image size limit (--max-image-size)");
            }
          }
        } catch (ZipException | java.io.EOFException e) {
          throw new BadInputException(what + " is not valid gzip: " + e.getMessage());
        }
        tee.drain();
      } else {
        int n;
        while ((n = tee.read(buf)) > 0) {
          uncompressed.update(buf, 0, n);
          size += n;
          if (size > budget) {
            throw new BadInputException(what + " is larger than the image size limit (--max-image-size)");
          }
        }
      }
      written = p.commit(d.mediaType());
    }
    if (!written.digest().equals(d.digest()) || written.size() != d.size()) {
      throw new BadInputException(what + " does not match its manifest: it hashes to " + written.digest() + " ("
          + written.size() + " bytes, the manifest says " + d.size() + ")");
    }
    Digest diffId = Digest.sha256(uncompressed.digest());
    if (!diffId.equals(layer.diffId())) {
      throw new BadInputException(what + " uncompressed hashes to " + diffId + ", not its diff_id " + layer.diffId());
    }
    return new Layer(diffId, d, size);
  }

  /** Files of a base that the SBOM reads: the packages' own SBOMs and the os-release. */
  private static final java.util.regex.Pattern SBOM_INPUT =
      java.util.regex.Pattern.compile("^(var/lib/db/sbom/[^/]+\\.spdx\\.json|etc/os-release|usr/lib/os-release)$");
  /** A package SBOM is small; a bigger file there is skipped. */
  private static final long MAX_SBOM_FILE = 16 << 20;
  /** What the base's SBOM inputs may hold in memory together. */
  private static final long MAX_SBOM_TOTAL = 256 << 20;

  /**
   * The files of the base's layers that an image SBOM is made from (each package's {@code /var/lib/db/sbom} file and
   * the os-release), as the base's filesystem has them (upper layers win, whiteouts remove): with them the SBOM of
   * the image on top covers the base's packages too.
   */
  public static Map<String, byte[]> sbomInputs(LockedBase locked, BaseArch base) throws IOException, BadInputException {
    Map<String, byte[]> out = new TreeMap<>();
    long held = 0;
    for (Layer l : base.layers()) {
      Digest d = l.blob().digest();
      Path file = locked.blobs().resolve(d.algorithm()).resolve(d.hex());
      try (InputStream raw = Files.newInputStream(file);
          InputStream tar = GZIP.contains(l.blob().mediaType()) ? new GZIPInputStream(raw, 1 << 16) : raw;
          TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
        TarArchiveEntry e;
        while ((e = in.getNextEntry()) != null) {
          String name = e.getName().replaceFirst("^(\\./)+", "").replaceFirst("^/+", "");
          int slash = name.lastIndexOf('/');
          String base0 = name.substring(slash + 1);
          if (base0.startsWith(".wh.")) {
            out.remove(name.substring(0, slash + 1) + base0.substring(4));
            continue;
          }
          if (e.isFile() && e.getSize() <= MAX_SBOM_FILE && SBOM_INPUT.matcher(name).matches()) {
            held += e.getSize();
            if (held > MAX_SBOM_TOTAL) {
              throw new BadInputException("base image " + locked.image() + ": its package SBOMs add up to more than "
                  + MAX_SBOM_TOTAL + " bytes");
            }
            out.put(name, in.readAllBytes());
          }
        }
      }
    }
    return out;
  }

  /** Passes everything read from {@code in} on to {@code copy} as well. */
  private static final class Tee extends FilterInputStream {
    private final OutputStream copy;

    Tee(InputStream in, OutputStream copy) {
      super(in);
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        copy.write(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        copy.write(b, off, n);
      }
      return n;
    }

    @Override
    public void close() {
      // the caller closes the file; GZIPInputStream's close must not end the copy early
    }

    /** Reads what the decompressor left (its read-ahead is already copied; trailing bytes are not). */
    void drain() throws IOException {
      byte[] buf = new byte[1 << 16];
      while (read(buf, 0, buf.length) > 0) {
        // copied by read
      }
    }
  }
}
