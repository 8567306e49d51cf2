package dev.apkofarm.core.apk.pkg;

import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.archive.GzipReader;
import dev.apkofarm.core.apk.archive.MalformedArchiveException;
import dev.apkofarm.core.apk.archive.TarEntry;
import dev.apkofarm.core.apk.archive.TarReader;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A verified .apk file on disk: its control section's SHA-1 matched what the index promised, and its data section's
 * SHA-256 matched {@code .PKGINFO}'s {@code datahash}. Gives the package metadata, the control files (install
 * scripts, triggers) and a streaming reader of the data section's entries; file contents are never held in memory.
 *
 * <p>The file must not change while in use; packages live in a content-addressed cache where they never do.
 */
public final class ApkPackage {
  /** Default ceiling on the data section's decompressed size (go-apk's), against gzip bombs. */
  public static final long DEFAULT_MAX_DATA = Limits.DEFAULTS.maxApkDataSize();

  private final Path file;
  private final String displayName;
  private final ApkLayout layout;
  private final PackageInfo info;
  private final Map<String, ControlFile> controlFiles;
  private final List<SignatureEntry> signatures;
  private final Limits limits;

  private ApkPackage(
      Path file,
      String displayName,
      ApkLayout layout,
      PackageInfo info,
      Map<String, ControlFile> controlFiles,
      List<SignatureEntry> signatures,
      Limits limits) {
    this.file = file;
    this.displayName = displayName;
    this.layout = layout;
    this.info = info;
    this.controlFiles = controlFiles;
    this.signatures = signatures;
    this.limits = limits;
  }

  /**
   * A file of the control section other than {@code .PKGINFO}, e.g. {@code .post-install} or {@code .trigger}.
   *
   * @param entry its tar header
   * @param content its bytes (control sections are bounded by {@link ApkLayout#MAX_CONTROL})
   */
  public record ControlFile(TarEntry entry, byte[] content) {
    public ControlFile {
      Objects.requireNonNull(entry, "entry");
      content = content.clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }
  }

  private record SignatureEntry(SignatureAlgorithm algorithm, String keyName, byte[] signature) {}

  /**
   * Opens and verifies a package against the control-section SHA-1 its index lists ({@link PackageInfo#checksum()}).
   *
   * @param file the .apk
   * @param expected the index entry the file should be
   * @throws PackageVerificationException naming the package on any mismatch or malformation
   */
  public static ApkPackage open(Path file, PackageInfo expected) throws PackageVerificationException {
    return open(file, expected, Limits.DEFAULTS);
  }

  /** As {@link #open(Path, PackageInfo)}, reading within {@code limits}. */
  public static ApkPackage open(Path file, PackageInfo expected, Limits limits) throws PackageVerificationException {
    byte[] sha1 =
        expected
            .controlSha1()
            .orElseThrow(
                () ->
                    new PackageVerificationException(
                        expected.nameVersion(), "its index entry has no checksum (C:), so it cannot be verified"));
    return open(file, expected.nameVersion(), Optional.of(sha1), limits);
  }

  /**
   * Opens a package, verifying its data section against {@code datahash} and, when given, its control section
   * against {@code expectedControlSha1}.
   *
   * @param displayName how errors name the package (e.g. {@code name-version} or the file name)
   * @param maxData ceiling on the data section's decompressed size
   * @throws PackageVerificationException naming the package on any mismatch or malformation
   */
  public static ApkPackage open(Path file, String displayName, Optional<byte[]> expectedControlSha1, long maxData)
      throws PackageVerificationException {
    Limits d = Limits.DEFAULTS;
    return open(file, displayName, expectedControlSha1,
        new Limits(d.maxApkIndexDecompressedSize(), d.maxApkControlSize(), maxData, d.maxApkFiles(), d.maxPathDepth(),
            d.maxPathLength(), d.maxApkExpansionRatio(), d.maxImageSize()));
  }

  /**
   * Opens a package as {@link #open(Path, String, Optional, long)} does, within {@code limits}; its {@code .PKGINFO}
   * must name a valid package and version and hold numbers in range and no control characters.
   */
  public static ApkPackage open(Path file, String displayName, Optional<byte[]> expectedControlSha1, Limits limits)
      throws PackageVerificationException {
    ApkLayout layout;
    try {
      layout = ApkLayout.scan(file, "package " + displayName, limits.maxApkControlSize());
    } catch (IOException e) {
      throw new PackageVerificationException(displayName, "not a valid apk: " + e.getMessage(), e);
    }
    if (expectedControlSha1.isPresent()) {
      byte[] actual = layout.control().digest();
      if (!Arrays.equals(actual, expectedControlSha1.get())) {
        throw new PackageVerificationException(
            displayName,
            "control section SHA-1 is " + PackageInfo.checksumOf(actual) + " but the index lists "
                + PackageInfo.checksumOf(expectedControlSha1.get())
                + " (the file is corrupt or not the package the repository indexed)");
      }
    }
    PkgInfo info = null;
    Map<String, ControlFile> controls = new LinkedHashMap<>();
    List<SignatureEntry> signatures = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ApkLayout.Section c = layout.control();
      String what = "package " + displayName + " control section";
      try (GzipReader gz = new GzipReader(ApkLayout.open(ch, c.offset(), c.length(), what), false,
          limits.maxApkControlSize(), ApkLayout.CONTROL_LIMIT, what)) {
        TarReader tar = new TarReader(gz, what);
        TarEntry e;
        while ((e = tar.next()) != null) {
          byte[] content = tar.content().readAllBytes();
          if (e.name().equals(".PKGINFO")) {
            info = PkgInfo.parse(content);
          } else if (e.isFile()) {
            controls.put(e.name(), new ControlFile(e, content));
          }
        }
      }
      if (layout.signature().isPresent()) {
        ApkLayout.Section s = layout.signature().get();
        String swhat = "package " + displayName + " signature section";
        try (GzipReader gz = new GzipReader(ApkLayout.open(ch, s.offset(), s.length(), swhat), false,
            limits.maxApkControlSize(), ApkLayout.CONTROL_LIMIT, swhat)) {
          TarReader tar = new TarReader(gz, swhat);
          TarEntry e;
          while ((e = tar.next()) != null) {
            String[] parts = e.name().split("\\.", 4);
            // ".SIGN.<scheme>.<key>" splits into "", "SIGN", scheme, key.
            if (parts.length == 4 && parts[1].equals("SIGN")) {
              byte[] sig = tar.content().readNBytes(64 * 1024);
              String key = parts[3];
              SignatureAlgorithm.ofScheme(parts[2])
                  .ifPresent(a -> signatures.add(new SignatureEntry(a, key, sig)));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new PackageVerificationException(displayName, "malformed: " + e.getMessage(), e);
    }
    if (info == null) {
      throw new PackageVerificationException(displayName, "its control section has no .PKGINFO");
    }
    Optional<String> problem = info.problem();
    if (problem.isPresent()) {
      throw new PackageVerificationException(displayName, ".PKGINFO " + problem.get());
    }
    Optional<String> dataHash = info.dataHash();
    if (dataHash.isEmpty()) {
      throw new PackageVerificationException(
          displayName, ".PKGINFO has no datahash, so its data section cannot be verified");
    }
    byte[] expectedData;
    try {
      expectedData = HexFormat.of().parseHex(dataHash.get());
    } catch (IllegalArgumentException e) {
      throw new PackageVerificationException(displayName, "malformed datahash " + InputText.quote(dataHash.get()));
    }
    byte[] actualData = layout.data().digest();
    if (!Arrays.equals(expectedData, actualData)) {
      throw new PackageVerificationException(
          displayName,
          "data section SHA-256 is " + HexFormat.of().formatHex(actualData) + " but .PKGINFO datahash is "
              + dataHash.get() + " (the file is corrupt or was tampered with)");
    }
    return new ApkPackage(
        file, displayName, layout, info.toPackageInfo(layout.control().digest(), layout.fileSize()), controls,
        List.copyOf(signatures), limits);
  }

  /** The .apk file. */
  public Path file() {
    return file;
  }

  /** This verified package after its file was renamed to {@code moved}: the same bytes, so not verified again. */
  public ApkPackage movedTo(Path moved) {
    return new ApkPackage(moved, displayName, layout, info, controlFiles, signatures, limits);
  }

  /** How this package is named in messages. */
  public String displayName() {
    return displayName;
  }

  public ApkLayout layout() {
    return layout;
  }


  /** Control files other than {@code .PKGINFO} by name, in archive order. */
  public Map<String, ControlFile> controlFiles() {
    return controlFiles;
  }

  /** The package's index checksum, {@code Q1} + base64 of the control section's SHA-1. */
  public String checksum() {
    return PackageInfo.checksumOf(layout.control().digest());
  }

  /** What its {@code .PKGINFO} says, with its index checksum and file size: what an index of it lists. */
  public PackageInfo info() {
    return info;
  }

  /** The names of the keys that signed this package (its own signature section, not the index). */
  public List<String> signers() {
    return signatures.stream().map(SignatureEntry::keyName).toList();
  }

  /**
   * Whether the package's own signature section holds a signature by a key in {@code keyring} over its control
   * section. Installation does not need this (the signed index vouches for the control section's SHA-1); it is for
   * packages used without an index.
   */
  public boolean signatureVerifies(Keyring keyring) throws IOException {
    byte[] control = readSection(layout.control());
    for (SignatureEntry s : signatures) {
      Optional<Keyring.Key> key = keyring.find(s.keyName);
      if (key.isPresent() && key.get().verifies(s.algorithm, control, 0, control.length, s.signature)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Streams the data section's entries. Entry names are checked: absolute paths and {@code ..} components (in names
   * and hardlink targets) are refused with the package named; symlink targets are left to the installer, which
   * knows the tree.
   */
  public DataReader data() throws IOException {
    return new DataReader(this);
  }

  /** Writes the data section decompressed (a plain tar), e.g. to keep file contents on disk for later streaming. */
  public void copyDataTar(OutputStream out) throws IOException {
    try (DataReader r = data()) {
      r.gzip.transferTo(out);
    }
  }

  private byte[] readSection(ApkLayout.Section s) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        InputStream in = ApkLayout.open(ch, s.offset(), s.length(), "package " + displayName)) {
      return in.readAllBytes();
    }
  }

  @Override
  public String toString() {
    return displayName;
  }

  /**
   * Iterates the data section; close it when done. Every entry is checked as it is read: its path and link target
   * (no absolute path, no {@code ..}, no control character, within the path depth and length limits), the number of
   * entries, and the bytes inflated (in total and against the compressed size); a breach is a {@link
   * PackageVerificationException} naming the package and the limit.
   */
  public static final class DataReader implements AutoCloseable {
    private final ApkPackage pkg;
    private final FileChannel channel;
    private final GzipReader gzip;
    private final TarReader tar;
    private long entries;

    private DataReader(ApkPackage pkg) throws IOException {
      this.pkg = pkg;
      this.channel = FileChannel.open(pkg.file, StandardOpenOption.READ);
      ApkLayout.Section d = pkg.layout.data();
      String what = "package " + pkg.displayName + " data section";
      try {
        this.gzip = new GzipReader(ApkLayout.open(channel, d.offset(), d.length(), what), true,
            pkg.limits.maxApkDataSize(), "--max-apk-data-size", what);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      this.tar = new TarReader(new RatioGuard(), what);
    }

    /**
     * The next entry, or null at the end.
     *
     * @throws PackageVerificationException naming the package for an entry that would escape the image root, a
     *     malformed data section or a limit it goes past
     * @throws IOException when the package file cannot be read
     */
    public TarEntry next() throws IOException, PackageVerificationException {
      TarEntry e;
      try {
        e = tar.next();
      } catch (MalformedArchiveException ex) {
        throw new PackageVerificationException(pkg.displayName, ex.getMessage(), ex);
      }
      if (e == null) {
        return null;
      }
      if (++entries > pkg.limits.maxApkFiles()) {
        throw new PackageVerificationException(
            pkg.displayName, "data section has more than " + pkg.limits.maxApkFiles() + " entries (--max-apk-files)");
      }
      checkPath(e.name(), e.name(), true);
      if (e.type() == TarEntry.Type.HARDLINK) {
        checkPath(e.linkName(), e.name() + " (hardlink target)", true);
      } else if (e.type() == TarEntry.Type.SYMLINK) {
        checkPath(e.linkName(), e.name() + " (symlink target)", false);
      }
      return e;
    }

    /**
     * The content of the entry last returned by {@link #next()} (empty for non-files). Reading it may throw {@link
     * MalformedArchiveException} (truncated, or past a limit), which the caller reports as the package's fault.
     */
    public InputStream content() {
      return tar.content();
    }

    private void checkPath(String path, String what, boolean inTree) throws PackageVerificationException {
      String shown = InputText.quote(what);
      if (path.isEmpty()) {
        throw new PackageVerificationException(pkg.displayName, "data section has an entry with an empty name");
      }
      if (InputText.hasUnsafe(path)) {
        throw new PackageVerificationException(
            pkg.displayName, "data section entry " + shown + " has a control character in its name or target");
      }
      long length = path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (length > pkg.limits.maxPathLength()) {
        throw new PackageVerificationException(
            pkg.displayName, "data section entry " + InputText.quote(abbreviated(what)) + " is " + length
                + " bytes long, more than " + pkg.limits.maxPathLength() + " (--max-path-length)");
      }
      long depth = 1;
      for (int i = 0; i < path.length(); i++) {
        if (path.charAt(i) == '/') {
          depth++;
        }
      }
      if (depth > pkg.limits.maxPathDepth()) {
        throw new PackageVerificationException(
            pkg.displayName, "data section entry " + InputText.quote(abbreviated(what)) + " is " + depth
                + " levels deep, more than " + pkg.limits.maxPathDepth() + " (--max-path-depth)");
      }
      if (!inTree) {
        return; // a symlink target is resolved in the tree, where the installer confines it
      }
      if (path.startsWith("/")) {
        throw new PackageVerificationException(
            pkg.displayName, "data section entry " + shown + " is an absolute path, which would escape the image root");
      }
      for (String part : path.split("/")) {
        if (part.equals("..")) {
          throw new PackageVerificationException(
              pkg.displayName, "data section entry " + shown + " contains \"..\", which would escape the image root");
        }
      }
    }

    private static String abbreviated(String s) {
      return s.length() <= 120 ? s : s.substring(0, 60) + "…" + s.substring(s.length() - 40);
    }

    @Override
    public void close() throws IOException {
      try {
        gzip.close();
      } finally {
        channel.close();
      }
    }

    /** The inflated stream, refused once it outgrows the expansion ratio (a decompression bomb stops early). */
    private final class RatioGuard extends InputStream {
      private final byte[] one = new byte[1];

      @Override
      public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = gzip.read(b, off, len);
        long out = gzip.outputPosition();
        if (n > 0 && out > Limits.RATIO_EXEMPT_BYTES) {
          long in = Math.max(1, gzip.compressedPosition());
          long ratio = pkg.limits.maxApkExpansionRatio();
          if (ratio <= Long.MAX_VALUE / in && out > ratio * in) {
            throw new MalformedArchiveException(
                "package " + pkg.displayName + " data section inflates to more than " + ratio
                    + " times its compressed size (--max-apk-expansion-ratio)");
          }
        }
        return n;
      }
    }
  }
}
