package dev.apkofarm.coordinator.front;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.config.ConfigFileName;
import dev.apkofarm.core.registry.ImageRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of configs the front serves ({@code --configs DIR}): its {@code *.yaml}/{@code *.yml} files, each an
 * image named after the file. A requested name is looked up in the listing, never joined to the directory's path, so
 * no name can reach a file outside it (or one that is not a config). The listing is read again on every lookup: a
 * config added or removed is served or gone at once.
 */
final class ConfigDirectory {
  private static final Logger log = LoggerFactory.getLogger(ConfigDirectory.class);
  /** A config is a page of YAML; anything bigger is not one. */
  static final long MAX_CONFIG = 1 << 20;

  private final Path dir;
  private final Path workDir;

  /**
   * @param dir the configs
   * @param workDir the farm's working directory, against which configs' relative paths resolve: a config is named
   *     relative to it in messages, as {@code submit} names it
   */
  ConfigDirectory(Path dir, Path workDir) {
    this.dir = dir.toAbsolutePath().normalize();
    this.workDir = workDir.toAbsolutePath().normalize();
  }

  /** A config of the directory: its image name, its file and the name messages give it. */
  record Config(String name, Path file, String display) {}

  /**
   * The configs whose names a registry can serve (OCI repository names: lowercase), by name. A file whose name is
   * not one is left out (and said so in the log at debug level).
   */
  TreeMap<String, Config> list() throws IOException {
    TreeMap<String, Config> out = new TreeMap<>(CodePointOrder.INSTANCE);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (!ConfigFileName.isConfig(f) || !Files.isRegularFile(f)) {
          continue;
        }
        String name = ConfigFileName.imageName(f);
        if (!servable(name)) {
          log.debug("{} is not served: \"{}\" is not a registry repository name", f, name);
          continue;
        }
        if (out.putIfAbsent(name, new Config(name, f, display(f))) != null) {
          log.warn("{} and {} both name image {}; serving {}", out.get(name).file(), f, name, out.get(name).file());
        }
      }
    }
    return out;
  }

  /** The config named {@code name}, if the directory lists one. */
  Optional<Config> find(String name) throws IOException {
    return Optional.ofNullable(list().get(name));
  }

  /**
   * The config's bytes as they are now (the front re-reads a config on every pull of {@code latest}).
   *
   * @throws RegistryError when it has grown beyond a config's size
   */
  byte[] read(Config config) throws IOException, RegistryError {
    try (InputStream in = Files.newInputStream(config.file())) {
      byte[] bytes = in.readNBytes((int) MAX_CONFIG + 1);
      if (bytes.length > MAX_CONFIG) {
        throw RegistryError.buildFailed(config.display() + " is larger than " + MAX_CONFIG + " bytes");
      }
      return bytes;
    }
  }

  /** The directory, as given. */
  Path dir() {
    return dir;
  }

  private String display(Path f) {
    return f.startsWith(workDir) ? workDir.relativize(f).toString() : f.toString();
  }

  private static boolean servable(String name) {
    if (name.contains("/") || name.length() > 128) { // an image name's limit (ImageSource)
      return false;
    }
    try {
      ImageRef.of("localhost", name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
