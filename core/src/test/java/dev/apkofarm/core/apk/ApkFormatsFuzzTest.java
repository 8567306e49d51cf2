package dev.apkofarm.core.apk;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.apkofarm.core.apk.archive.GzipReader;
import dev.apkofarm.core.apk.archive.MalformedArchiveException;
import dev.apkofarm.core.apk.archive.TarEntry;
import dev.apkofarm.core.apk.archive.TarReader;
import dev.apkofarm.core.apk.index.IndexReader;
import dev.apkofarm.core.apk.index.IndexText;
import dev.apkofarm.core.apk.pkg.PkgInfo;
import dev.apkofarm.core.apk.sign.Keyring;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz targets for the formats a repository or a package hands us: the tar reader, the gzip stream splitter, the
 * APKINDEX parser and the {@code .PKGINFO} parser. Any input may be refused, with the exception each reader documents
 * for bad input ({@link MalformedArchiveException}, an {@link IOException} naming the index line, a {@code .PKGINFO}
 * problem); anything else (a runtime exception, an error, a hang) is a finding.
 *
 * <p>Every build runs them in regression mode on the inputs in {@code ApkFormatsFuzzTestInputs/<target>/} (the seed
 * corpus and past findings); {@code scripts/fuzz} fuzzes them (see docs/engineering.md).
 */
class ApkFormatsFuzzTest {
  /** Far below the real limits: a fuzz input may not make an execution slow. */
  private static final long MAX_OUTPUT = 4 << 20;

  @FuzzTest
  void tarReader(byte[] input) throws IOException {
    TarReader tar = new TarReader(new ByteArrayInputStream(input), "fuzz");
    try {
      TarEntry e;
      while ((e = tar.next()) != null) {
        assertThat(e.name()).isNotNull();
        assertThat(e.size()).isNotNegative();
        long read = tar.content().transferTo(OutputStream.nullOutputStream());
        assertThat(read).isLessThanOrEqualTo(input.length);
        try {
          e.checksumSha1();
        } catch (IllegalArgumentException malformedRecord) {
          // documented: callers turn it into a package error
        }
      }
    } catch (MalformedArchiveException expected) {
      // refused: fine
    }
  }

  @FuzzTest
  void gzipSplitter(byte[] input) throws IOException {
    try (GzipReader gz = new GzipReader(new ByteArrayInputStream(input), true, MAX_OUTPUT, "fuzz")) {
      long end = gz.drain();
      assertThat(end).isBetween(0L, (long) input.length);
      assertThat(gz.outputPosition()).isLessThanOrEqualTo(MAX_OUTPUT);
    } catch (MalformedArchiveException expected) {
      // refused: fine
    }
    try (GzipReader first = new GzipReader(new ByteArrayInputStream(input), false, MAX_OUTPUT, "fuzz")) {
      assertThat(first.drain()).isBetween(0L, (long) input.length);
    } catch (MalformedArchiveException expected) {
      // refused: fine
    }
  }

  @FuzzTest
  void apkindex(byte[] input) {
    List<PackageInfo> packages;
    try {
      packages = IndexText.parse(new ByteArrayInputStream(input), "fuzz");
    } catch (IOException refused) {
      return;
    }
    for (PackageInfo p : packages) {
      // Whatever an index lists is safe to use as a file name and a URL path.
      assertThat(PackageNames.nameProblem(p.name())).isNull();
      assertThat(PackageNames.versionProblem(p.version())).isNull();
      assertThat(p.filename()).doesNotContain("/");
      StringBuilder again = new StringBuilder();
      IndexText.write(again, p);
    }
  }

  @FuzzTest
  void apkindexArchive(byte[] input) {
    try {
      IndexReader.read(input, "fuzz", Keyring.empty(), false, MAX_OUTPUT);
    } catch (dev.apkofarm.core.BadInputException refused) {
      // refused: fine
    }
  }

  @FuzzTest
  void pkginfo(byte[] input) {
    PkgInfo info = PkgInfo.parse(input);
    Optional<String> problem = info.problem();
    if (problem.isPresent()) {
      return;
    }
    // An accepted .PKGINFO gives every field without surprises, and becomes an index entry.
    info.dataHash();
    PackageInfo meta = info.toPackageInfo(new byte[20], 1);
    assertThat(meta.installedSize()).isNotNegative();
    assertThat(meta.buildTime()).isNotNegative();
  }
}
