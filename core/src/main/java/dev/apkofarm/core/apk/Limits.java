package dev.apkofarm.core.apk;

import dev.apkofarm.core.apk.pkg.PackageVerificationException;

/**
 * How much a repository or a package may make us read, write and hold: the defence against decompression bombs,
 * pathological trees and packages of a million files from a signer that turned hostile. Every ceiling is refused with
 * a {@link PackageVerificationException} (exit 2) naming the package and the limit by its command-line name. The
 * names and the first three defaults are apko's ({@code --max-apkindex-decompressed-size}, {@code
 * --max-apk-control-size}, {@code --max-apk-data-size}); apko has no equivalent of the others.
 *
 * @param maxApkIndexDecompressedSize {@code --max-apkindex-decompressed-size}: bytes an APKINDEX.tar.gz may inflate to
 * @param maxApkControlSize {@code --max-apk-control-size}: bytes a package's signature or control section may inflate
 *     to
 * @param maxApkDataSize {@code --max-apk-data-size}: uncompressed bytes of one package's data section (its files and
 *     their tar headers)
 * @param maxApkFiles {@code --max-apk-files}: entries (files, directories, links) in one package's data section
 * @param maxPathDepth {@code --max-path-depth}: components of a path in a package
 * @param maxPathLength {@code --max-path-length}: bytes of a path or link target in a package (Linux's PATH_MAX)
 * @param maxApkExpansionRatio {@code --max-apk-expansion-ratio}: how many times its compressed size a data section may
 *     inflate to, once it is past {@link #RATIO_EXEMPT_BYTES}
 * @param maxImageSize {@code --max-image-size}: bytes of file contents all packages of one image (one arch) add up to
 */
public record Limits(
    long maxApkIndexDecompressedSize,
    long maxApkControlSize,
    long maxApkDataSize,
    long maxApkFiles,
    long maxPathDepth,
    long maxPathLength,
    long maxApkExpansionRatio,
    long maxImageSize) {
  /** Data sections smaller than this are never refused for their ratio: small packages of text compress well. */
  public static final long RATIO_EXEMPT_BYTES = 64L << 20;

  /** The defaults: apko's where apko has the limit. */
  public static final Limits DEFAULTS =
      new Limits(300L << 20, 10L << 20, 16L << 30, 1_000_000, 256, 4096, 100, 32L << 30);

  /** Nothing limited (for tests and tools that read trusted packages). */
  public static final Limits NONE =
      new Limits(
          Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
          Long.MAX_VALUE, Long.MAX_VALUE);

  public Limits {
    long[] all = {
      maxApkIndexDecompressedSize, maxApkControlSize, maxApkDataSize, maxApkFiles, maxPathDepth, maxPathLength,
      maxApkExpansionRatio, maxImageSize
    };
    for (long v : all) {
      if (v < 1) {
        throw new IllegalArgumentException("limits must be positive, got " + v);
      }
    }
  }

  /**
   * A limit as the command line gives it, apko's way: {@code 0} means the default, {@code -1} no limit.
   *
   * @throws IllegalArgumentException for other negative values
   */
  public static long fromFlag(String flag, long value, long defaultValue) {
    if (value == 0) {
      return defaultValue;
    }
    if (value == -1) {
      return Long.MAX_VALUE;
    }
    if (value < 0) {
      throw new IllegalArgumentException(flag + " " + value + ": expected a positive number, 0 (default) or -1 (none)");
    }
    return value;
  }
}
