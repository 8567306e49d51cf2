package dev.apkofarm.core.apk.index;

import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.archive.GzipWriter;
import dev.apkofarm.core.apk.archive.TarHeader;
import dev.apkofarm.core.apk.archive.TarWriter;
import dev.apkofarm.core.apk.pkg.ApkPackage;
import dev.apkofarm.core.apk.pkg.PackageVerificationException;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import dev.apkofarm.core.io.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Writes a signed APKINDEX.tar.gz: a signature section over the index section, which holds {@code APKINDEX} (the
 * packages in go-apk's field order) and {@code DESCRIPTION}. Deterministic for the same packages and key.
 */
public final class IndexWriter {
  /** The index file name inside a repository's arch directory. */
  public static final String INDEX_FILE = "APKINDEX.tar.gz";

  private IndexWriter() {}

  /**
   * Indexes every {@code *.apk} in {@code archDir} (each verified against its own datahash; an unreadable package
   * fails the whole index, naming it) and writes {@code archDir/APKINDEX.tar.gz} atomically.
   *
   * @param signingKey the key to sign with; empty writes an unsigned index (usable only with signature checks off)
   * @return the packages indexed, in index order (by file name)
   */
  public static List<PackageInfo> writeDirectory(
      Path archDir, Optional<SigningKey> signingKey, SignatureAlgorithm algorithm, String description)
      throws IOException, PackageVerificationException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(archDir, "*.apk")) {
      ds.forEach(files::add);
    }
    files.sort(Comparator.comparing(p -> p.getFileName().toString()));
    List<PackageInfo> packages = new ArrayList<>();
    for (Path f : files) {
      ApkPackage pkg =
          ApkPackage.open(f, f.getFileName().toString(), Optional.empty(), Limits.DEFAULTS);
      PackageInfo info = pkg.info();
      if (!f.getFileName().toString().equals(info.filename())) {
        throw new PackageVerificationException(
            f.getFileName().toString(), "its .PKGINFO says " + info.filename() + "; rename the file to match");
      }
      packages.add(info);
    }
    write(archDir.resolve(INDEX_FILE), packages, signingKey, algorithm, description);
    return packages;
  }

  /** Writes an index of {@code packages} (in the given order) to {@code out}, atomically. */
  public static void write(
      Path out,
      Collection<PackageInfo> packages,
      Optional<SigningKey> signingKey,
      SignatureAlgorithm algorithm,
      String description)
      throws IOException {
    byte[] index = indexSection(packages, description);
    byte[] signature =
        signingKey.isPresent() ? PackageWriter.signature(signingKey.get(), algorithm, index, 0) : new byte[0];
    AtomicFile.write(
        out,
        o -> {
          o.write(signature);
          o.write(index);
        });
  }

  private static byte[] indexSection(Collection<PackageInfo> packages, String description) throws IOException {
    StringBuilder text = new StringBuilder();
    for (PackageInfo p : packages) {
      IndexText.write(text, p);
    }
    byte[] apkindex = text.toString().getBytes(StandardCharsets.UTF_8);
    byte[] desc = description.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GzipWriter gz = new GzipWriter(out);
    TarWriter tar = new TarWriter(gz);
    tar.writeHeader(TarHeader.of(TarHeader.REG, "APKINDEX", "", apkindex.length, 0644, 0));
    tar.write(apkindex, 0, apkindex.length);
    tar.writeHeader(TarHeader.of(TarHeader.REG, "DESCRIPTION", "", desc.length, 0644, 0));
    tar.write(desc, 0, desc.length);
    tar.close();
    gz.close();
    return out.toByteArray();
  }
}
