package dev.apkofarm.core.testing.debian;

import dev.apkofarm.core.config.Arch;
import java.nio.file.Path;
import java.util.List;

/**
 * One apk's content and metadata, laid out on disk and ready for a package writer: {@code root} holds the files as
 * they land in an image; {@code depends} and {@code provides} already include the computed {@code so:} entries.
 */
public record StagedPackage(
    String name,
    String version,
    Arch arch,
    String description,
    String origin,
    List<String> depends,
    List<String> provides,
    Path root) {
  public StagedPackage {
    depends = List.copyOf(depends);
    provides = List.copyOf(provides);
  }

  /** The file name apk expects in a repository: {@code <name>-<version>.apk}. */
  public String fileName() {
    return name + "-" + version + ".apk";
  }
}
