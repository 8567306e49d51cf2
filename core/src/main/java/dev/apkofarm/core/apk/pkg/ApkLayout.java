package dev.apkofarm.core.apk.pkg;

import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.archive.GzipReader;
import dev.apkofarm.core.apk.archive.TarEntry;
import dev.apkofarm.core.apk.archive.TarReader;
import dev.apkofarm.core.io.ChannelRange;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the gzip sections of an .apk file lie and what they hash to: an optional signature section, the control
 * section (whose SHA-1 is the index checksum) and the data section (whose SHA-256 is {@code .PKGINFO}'s
 * {@code datahash}). This is what apko records per package in a lock file.
 *
 * @param signature the signature section, absent for unsigned packages
 * @param control the control section ({@code .PKGINFO} and install scripts)
 * @param data the data section (the files), which runs to the end of the file
 */
public record ApkLayout(Optional<Section> signature, Section control, Section data) {
  /** Default ceiling on a signature or control section's decompressed size (go-apk's; see {@link Limits}). */
  public static final long MAX_CONTROL = Limits.DEFAULTS.maxApkControlSize();

  static final String CONTROL_LIMIT = "--max-apk-control-size";

  public ApkLayout {
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(control, "control");
    Objects.requireNonNull(data, "data");
  }

  /**
   * One section: a byte range of the file and its digest.
   *
   * @param offset first byte
   * @param length byte count
   * @param algorithm {@code sha1} (signature, control) or {@code sha256} (data)
   * @param digestBase64 the digest, base64
   */
  public record Section(long offset, long length, String algorithm, String digestBase64) {
    public Section {
      if (offset < 0 || length <= 0) {
        throw new IllegalArgumentException("invalid section range " + offset + "+" + length);
      }
      Objects.requireNonNull(algorithm, "algorithm");
      Objects.requireNonNull(digestBase64, "digestBase64");
    }

    /** The HTTP range form apko's lock files use, inclusive: {@code bytes=0-646}. */
    public String range() {
      return "bytes=" + offset + "-" + (offset + length - 1);
    }

    /** {@code sha1-<base64>} / {@code sha256-<base64>}, as in apko's lock files. */
    public String checksum() {
      return algorithm + "-" + digestBase64;
    }

    /** The raw digest. */
    public byte[] digest() {
      return Base64.getDecoder().decode(digestBase64);
    }
  }

  /** The size of the whole file. */
  public long fileSize() {
    return data.offset + data.length;
  }

  /**
   * Finds the sections of an .apk file and hashes them, reading the signature and control sections through a
   * decompressor (bounded by {@link #MAX_CONTROL}) and only hashing the data section.
   *
   * @param what the package's name for error messages
   * @throws IOException naming the package when the file is not an apk
   */
  public static ApkLayout scan(Path file, String what) throws IOException {
    return scan(file, what, MAX_CONTROL);
  }

  /** As {@link #scan(Path, String)} with a ceiling on the signature and control sections ({@code --max-apk-control-size}). */
  public static ApkLayout scan(Path file, String what, long maxControl) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long first;
      boolean signed;
      try (GzipReader gz =
          new GzipReader(toEnd(ch, 0, what), false, maxControl, CONTROL_LIMIT, what + " first section")) {
        TarEntry e = new TarReader(gz, what + " first section").next();
        signed = e != null && e.name().startsWith(".SIGN.");
        first = gz.drain();
      }
      Optional<Section> signature = Optional.empty();
      long controlOffset = 0;
      if (signed) {
        signature = Optional.of(section(ch, 0, first, "sha1", what));
        controlOffset = first;
      }
      long controlLength =
          signed ? memberLength(ch, controlOffset, maxControl, what + " control section") : first;
      Section control = section(ch, controlOffset, controlLength, "sha1", what);
      long dataOffset = controlOffset + controlLength;
      if (dataOffset >= size) {
        throw new IOException(what + ": no data section (the file ends after the control section)");
      }
      Section data = section(ch, dataOffset, size - dataOffset, "sha256", what);
      return new ApkLayout(signature, control, data);
    }
  }

  /** An input stream over {@code [offset, offset+length)} of the file, for reading one section. */
  static InputStream open(FileChannel ch, long offset, long length, String what) {
    return new BufferedInputStream(new ChannelRange(ch, offset, length, what), bufferFor(length));
  }

  private static long memberLength(FileChannel ch, long offset, long maxControl, String what) throws IOException {
    try (GzipReader gz = new GzipReader(toEnd(ch, offset, what), false, maxControl, CONTROL_LIMIT, what)) {
      return gz.drain();
    }
  }

  private static Section section(FileChannel ch, long offset, long length, String algorithm, String what)
      throws IOException {
    MessageDigest md = newDigest(algorithm);
    byte[] buf = new byte[bufferFor(length)];
    try (InputStream in = new ChannelRange(ch, offset, length, what)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return new Section(offset, length, algorithm, Base64.getEncoder().encodeToString(md.digest()));
  }

  public static MessageDigest newDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm.equals("sha1") ? "SHA-1" : "SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is available on every JVM", e);
    }
  }

  /**
   * A buffer for reading {@code length} bytes: 64 KiB, or the length when less (a signature or control section is a
   * few KiB, and a short run scans each package's three sections more than once).
   */
  private static int bufferFor(long length) {
    return (int) Math.max(1, Math.min(64 * 1024, length));
  }

  private static InputStream toEnd(FileChannel ch, long offset, String what) throws IOException {
    return new ChannelRange(ch, offset, ch.size() - offset, what);
  }
}
