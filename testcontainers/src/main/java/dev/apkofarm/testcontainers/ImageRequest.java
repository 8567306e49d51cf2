package dev.apkofarm.testcontainers;

import dev.apkofarm.core.config.Arch;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link ApkoImage} builds: the config and every option given to it, checked as they are given.
 *
 * @param config the config file, relative to {@code workDir} unless absolute
 * @param workDir what relative paths resolve against: the config's path and its repositories, keys and include, as
 *     the CLI's {@code -C DIR}
 * @param arch the arch to build; empty = the Docker host's
 * @param packages appended to the config's packages
 * @param repositories appended to the config's repositories
 * @param keyring appended to the config's keyring
 * @param annotations added to (and overriding) the config's annotations
 * @param buildDate the image's creation time and the date of files the build writes; empty = the newest package's
 * @param coordinator a farm's coordinator ({@code host:port}) to build on; empty = in this process
 */
record ImageRequest(
    Path config,
    Path workDir,
    Optional<Arch> arch,
    List<String> packages,
    List<String> repositories,
    List<String> keyring,
    Map<String, String> annotations,
    Optional<Instant> buildDate,
    Optional<String> coordinator) {
  ImageRequest {
    Objects.requireNonNull(config, "config");
    workDir = workDir.toAbsolutePath().normalize();
    Objects.requireNonNull(arch, "arch");
    packages = words("package", packages);
    repositories = nonBlank("repository", repositories); // "@tag URL" has a space
    keyring = words("keyring entry", keyring);
    annotations = new LinkedHashMap<>(annotations);
    annotations.forEach((k, v) -> {
      if (k.isBlank() || v == null) {
        throw new IllegalArgumentException("annotation \"" + k + "\"=" + v + ": a key needs a name and a value");
      }
    });
    annotations = java.util.Collections.unmodifiableMap(annotations);
    Objects.requireNonNull(buildDate, "buildDate");
    Objects.requireNonNull(coordinator, "coordinator");
    if (coordinator.isPresent() && !(packages.isEmpty() && repositories.isEmpty() && keyring.isEmpty())) {
      // The farm's submit request carries the config file, the local files it names, archs, annotations and a
      // build date; extra packages, repositories and keys have no place in it yet.
      throw new IllegalArgumentException("withCoordinator cannot be combined with withPackages, withRepository or"
          + " withKeyring: a farm builds the config file as written (put them in the config)");
    }
  }

  /** The config at {@code config} with no options, relative paths against the process's working directory. */
  static ImageRequest of(Path config) {
    return new ImageRequest(config, Path.of(""), Optional.empty(), List.of(), List.of(), List.of(), Map.of(),
        Optional.empty(), Optional.empty());
  }

  /** The config's path as the user wrote it, relative to the working directory (how messages name it). */
  String configName() {
    return config.toString();
  }

  ImageRequest withArch(Arch a) {
    return new ImageRequest(config, workDir, Optional.of(a), packages, repositories, keyring, annotations, buildDate,
        coordinator);
  }

  ImageRequest withWorkDir(Path dir) {
    return new ImageRequest(config, dir, arch, packages, repositories, keyring, annotations, buildDate, coordinator);
  }

  ImageRequest plusPackages(List<String> more) {
    return new ImageRequest(config, workDir, arch, concat(packages, more), repositories, keyring, annotations,
        buildDate, coordinator);
  }

  ImageRequest plusRepositories(List<String> more) {
    return new ImageRequest(config, workDir, arch, packages, concat(repositories, more), keyring, annotations,
        buildDate, coordinator);
  }

  ImageRequest plusKeyring(List<String> more) {
    return new ImageRequest(config, workDir, arch, packages, repositories, concat(keyring, more), annotations,
        buildDate, coordinator);
  }

  ImageRequest plusAnnotations(Map<String, String> more) {
    Map<String, String> all = new LinkedHashMap<>(annotations);
    all.putAll(more);
    return new ImageRequest(config, workDir, arch, packages, repositories, keyring, all, buildDate, coordinator);
  }

  ImageRequest withBuildDate(Instant date) {
    return new ImageRequest(config, workDir, arch, packages, repositories, keyring, annotations,
        Optional.of(date), coordinator);
  }

  ImageRequest withCoordinator(String target) {
    return new ImageRequest(config, workDir, arch, packages, repositories, keyring, annotations, buildDate,
        Optional.of(target));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Non-blank, without white space: a package or a key is one word. */
  private static List<String> words(String what, List<String> values) {
    for (String v : nonBlank(what, values)) {
      if (v.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(what + " \"" + v + "\": expected one word without spaces");
      }
    }
    return List.copyOf(values);
  }

  private static List<String> nonBlank(String what, List<String> values) {
    for (String v : values) {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException("empty " + what);
      }
    }
    return List.copyOf(values);
  }
}
