package dev.apkofarm.core.apk;

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
  public static final long DEFAULT_MAX_DATA = 16L << 30;

  private final Path file;
  private final String displayName;
  private final ApkLayout layout;
  private final PkgInfo pkgInfo;
  private final Map<String, ControlFile> controlFiles;
  private final List<SignatureEntry> signatures;
  private final long maxData;

  private ApkPackage(
      Path file,
      String displayName,
      ApkLayout layout,
      PkgInfo pkgInfo,
      Map<String, ControlFile> controlFiles,
      List<SignatureEntry> signatures,
      long maxData) {
    this.file = file;
    this.displayName = displayName;
    this.layout = layout;
    this.pkgInfo = pkgInfo;
    this.controlFiles = controlFiles;
    this.signatures = signatures;
    this.maxData = maxData;
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
    byte[] sha1 =
        expected
            .controlSha1()
            .orElseThrow(
                () ->
                    new PackageVerificationException(
                        expected.nameVersion(), "its index entry has no checksum (C:), so it cannot be verified"));
    return open(file, expected.nameVersion(), Optional.of(sha1), DEFAULT_MAX_DATA);
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
    ApkLayout layout;
    try {
      layout = ApkLayout.scan(file, "package " + displayName);
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
      try (GzipReader gz =
          new GzipReader(ApkLayout.open(ch, c.offset(), c.length(), what), false, ApkLayout.MAX_CONTROL, what)) {
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
        try (GzipReader gz =
            new GzipReader(ApkLayout.open(ch, s.offset(), s.length(), swhat), false, ApkLayout.MAX_CONTROL, swhat)) {
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
    Optional<String> dataHash = info.dataHash();
    if (dataHash.isEmpty()) {
      throw new PackageVerificationException(
          displayName, ".PKGINFO has no datahash, so its data section cannot be verified");
    }
    byte[] expectedData;
    try {
      expectedData = HexFormat.of().parseHex(dataHash.get());
    } catch (IllegalArgumentException e) {
      throw new PackageVerificationException(displayName, "malformed datahash \"" + dataHash.get() + "\"");
    }
    byte[] actualData = layout.data().digest();
    if (!Arrays.equals(expectedData, actualData)) {
      throw new PackageVerificationException(
          displayName,
          "data section SHA-256 is " + HexFormat.of().formatHex(actualData) + " but .PKGINFO datahash is "
              + dataHash.get() + " (the file is corrupt or was tampered with)");
    }
    return new ApkPackage(file, displayName, layout, info, controls, List.copyOf(signatures), maxData);
  }

  /** The .apk file. */
  public Path file() {
    return file;
  }

  /** This verified package after its file was renamed to {@code moved}: the same bytes, so not verified again. */
  ApkPackage movedTo(Path moved) {
    return new ApkPackage(moved, displayName, layout, pkgInfo, controlFiles, signatures, maxData);
  }

  /** How this package is named in messages. */
  public String displayName() {
    return displayName;
  }

  public ApkLayout layout() {
    return layout;
  }

  public PkgInfo pkgInfo() {
    return pkgInfo;
  }

  /** Control files other than {@code .PKGINFO} by name, in archive order. */
  public Map<String, ControlFile> controlFiles() {
    return controlFiles;
  }

  /** The package's index checksum, {@code Q1} + base64 of the control section's SHA-1. */
  public String checksum() {
    return PackageInfo.checksumOf(layout.control().digest());
  }

  /** This package as an index entry (what an index of it lists). */
  public PackageInfo toPackageInfo() {
    return pkgInfo.toPackageInfo(layout.control().digest(), layout.fileSize());
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

  /** Iterates the data section; close it when done. */
  public static final class DataReader implements AutoCloseable {
    private final ApkPackage pkg;
    private final FileChannel channel;
    private final GzipReader gzip;
    private final TarReader tar;

    private DataReader(ApkPackage pkg) throws IOException {
      this.pkg = pkg;
      this.channel = FileChannel.open(pkg.file, StandardOpenOption.READ);
      ApkLayout.Section d = pkg.layout.data();
      String what = "package " + pkg.displayName + " data section";
      try {
        this.gzip = new GzipReader(ApkLayout.open(channel, d.offset(), d.length(), what), true, pkg.maxData, what);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      this.tar = new TarReader(gzip, what);
    }

    /**
     * The next entry, or null at the end.
     *
     * @throws PackageVerificationException naming the package for an entry that would escape the image root
     * @throws IOException when the data section is malformed
     */
    public TarEntry next() throws IOException, PackageVerificationException {
      TarEntry e = tar.next();
      if (e == null) {
        return null;
      }
      checkPath(e.name(), e.name());
      if (e.type() == TarEntry.Type.HARDLINK) {
        checkPath(e.linkName(), e.name() + " (hardlink target)");
      }
      return e;
    }

    /** The content of the entry last returned by {@link #next()} (empty for non-files). */
    public InputStream content() {
      return tar.content();
    }

    private void checkPath(String path, String what) throws PackageVerificationException {
      if (path.isEmpty()) {
        throw new PackageVerificationException(pkg.displayName, "data section has an entry with an empty name");
      }
      if (path.startsWith("/")) {
        throw new PackageVerificationException(
            pkg.displayName, "data section entry " + what + " is an absolute path, which would escape the image root");
      }
      for (String part : path.split("/")) {
        if (part.equals("..")) {
          throw new PackageVerificationException(
              pkg.displayName, "data section entry " + what + " contains \"..\", which would escape the image root");
        }
      }
    }

    @Override
    public void close() throws IOException {
      try {
        gzip.close();
      } finally {
        channel.close();
      }
    }
  }
}
