package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.Limits;
import picocli.CommandLine.Option;

/**
 * The limits a build applies to what repositories and packages make it read and hold ({@link Limits}), with apko's
 * flag names where apko has the limit. As in apko, 0 means the default and -1 no limit. A picocli mixin of the
 * commands that build.
 */
public final class LimitOptions {
  private static final String HOW = " (0 = default, -1 = no limit)";

  @Option(names = "--max-apkindex-decompressed-size", paramLabel = "BYTES",
      description = "Largest decompressed APKINDEX, against gzip bombs; default 300 MiB" + HOW + ".")
  long maxApkIndexDecompressedSize;

  @Option(names = "--max-apk-control-size", paramLabel = "BYTES",
      description = "Largest decompressed package control section; default 10 MiB" + HOW + ".")
  long maxApkControlSize;

  @Option(names = "--max-apk-data-size", paramLabel = "BYTES",
      description = "Largest decompressed package data section (all its files); default 16 GiB" + HOW + ".")
  long maxApkDataSize;

  @Option(names = "--max-apk-files", paramLabel = "N",
      description = "Most entries (files, directories, links) in one package; default 1000000" + HOW + ".")
  long maxApkFiles;

  @Option(names = "--max-path-depth", paramLabel = "N",
      description = "Most components of a path in a package; default 256" + HOW + ".")
  long maxPathDepth;

  @Option(names = "--max-path-length", paramLabel = "BYTES",
      description = "Longest path or link target in a package; default 4096" + HOW + ".")
  long maxPathLength;

  @Option(names = "--max-apk-expansion-ratio", paramLabel = "N",
      description = "Most times its compressed size a package's data may inflate to (data under 64 MiB is exempt);"
          + " default 100" + HOW + ".")
  long maxApkExpansionRatio;

  @Option(names = "--max-image-size", paramLabel = "BYTES",
      description = "Most bytes of files all packages of one image (per arch) may add up to; default 32 GiB" + HOW
          + ".")
  long maxImageSize;

  /** The limits given, defaults for the rest. */
  public Limits limits() throws BadInputException {
    Limits d = Limits.DEFAULTS;
    try {
      return new Limits(
          Limits.fromFlag("--max-apkindex-decompressed-size", maxApkIndexDecompressedSize,
              d.maxApkIndexDecompressedSize()),
          Limits.fromFlag("--max-apk-control-size", maxApkControlSize, d.maxApkControlSize()),
          Limits.fromFlag("--max-apk-data-size", maxApkDataSize, d.maxApkDataSize()),
          Limits.fromFlag("--max-apk-files", maxApkFiles, d.maxApkFiles()),
          Limits.fromFlag("--max-path-depth", maxPathDepth, d.maxPathDepth()),
          Limits.fromFlag("--max-path-length", maxPathLength, d.maxPathLength()),
          Limits.fromFlag("--max-apk-expansion-ratio", maxApkExpansionRatio, d.maxApkExpansionRatio()),
          Limits.fromFlag("--max-image-size", maxImageSize, d.maxImageSize()));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }
}
