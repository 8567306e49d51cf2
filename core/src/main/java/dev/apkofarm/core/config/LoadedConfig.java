package dev.apkofarm.core.config;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A config as {@link ConfigLoader} read it: the effective {@link ImageConfig} plus what the lock step records about
 * its source (apko's lock {@code config.name} and {@code config.checksum}) and the directory relative repository,
 * keyring and base-image paths resolve against.
 */
public final class LoadedConfig {
  private final ImageConfig config;
  private final String name;
  private final Path workDir;
  private final List<Source> sources;
  private final List<String> warnings;

  /**
   * One file read for the config, in the order apko hashes them: the top-level file first, then its include, then
   * that file's include, and so on.
   *
   * @param name the path as the user or the {@code include} wrote it (possibly resolved through an include path)
   * @param path the absolute path read
   */
  public record Source(String name, Path path, byte[] content) {
    public Source {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(path, "path");
      content = content.clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Source s && name.equals(s.name) && path.equals(s.path)
          && java.util.Arrays.equals(content, s.content);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, path, java.util.Arrays.hashCode(content));
    }

    @Override
    public String toString() {
      return "Source[" + name + ", " + path + ", " + content.length + " bytes]";
    }
  }

  LoadedConfig(ImageConfig config, String name, Path workDir, List<Source> sources, List<String> warnings) {
    this.config = Objects.requireNonNull(config, "config");
    this.name = Objects.requireNonNull(name, "name");
    this.workDir = Objects.requireNonNull(workDir, "workDir");
    this.sources = List.copyOf(sources);
    this.warnings = List.copyOf(warnings);
    if (this.sources.isEmpty()) {
      throw new IllegalArgumentException("a loaded config has at least its own file");
    }
  }

  /**
   * This config with {@code packages} appended to {@code contents.packages}, as apko's {@code --package-append}
   * does: the files read, the name and the checksum stay those of the files (a lock file still matches them).
   */
  public LoadedConfig withPackagesAppended(List<String> packages) {
    List<String> all = new java.util.ArrayList<>(config.contents().packages());
    all.addAll(packages);
    ImageConfig appended = config.toBuilder().contents(config.contents().withPackages(all)).build();
    return new LoadedConfig(appended, name, workDir, sources, warnings);
  }

  /** The effective config: includes merged, archs normalised, service bundle applied. */
  public ImageConfig config() {
    return config;
  }

  /** The config file name exactly as given (apko's lock {@code config.name}). */
  public String name() {
    return name;
  }

  /** The absolute path of the top-level file. */
  public Path path() {
    return sources.get(0).path();
  }

  /** The raw bytes of the top-level file. */
  public byte[] topLevelBytes() {
    return sources.get(0).content();
  }

  /** Every file read, top-level first (see {@link Source}). */
  public List<Source> sources() {
    return sources;
  }

  /**
   * apko's config checksum ({@code config.checksum} in a lock file): {@code sha256-} and the standard base64 of
   * SHA-256 over the bytes of every file read, top-level first then each include in turn. Without includes it is
   * the hash of the top-level file alone.
   */
  public String checksum() {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (Source s : sources) {
        sha256.update(s.content);
      }
      return "sha256-" + Base64.getEncoder().encodeToString(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * The directory relative paths in the config ({@code repositories}, {@code keyring}, {@code baseimage}) resolve
   * against: the CLI's {@code -C DIR} or the process's working directory, as in apko (not the config's directory).
   */
  public Path workDir() {
    return workDir;
  }

  /** Things that are valid but probably not meant, each {@code FILE:LINE:COLUMN: FIELD: ...}, for the user to see. */
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public String toString() {
    return "LoadedConfig[" + name + ", " + checksum() + "]";
  }
}
