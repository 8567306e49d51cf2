package dev.apkofarm.core.build;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.base.LockedBase;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.core.config.ImageContents;
import dev.apkofarm.core.install.ApkDatabase.KeyFile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An image locked for every arch it is built for: the effective config (with command-line annotations merged), the
 * keyring's key files, and per arch the exact packages in install order. Everything a per-arch build needs, as plain
 * values: a farm worker gets a {@code LockedImage} and an arch and builds the same bytes as any other worker.
 *
 * <p>Produced by the lock step (all archs resolved together so versions agree), or from a lock file.
 *
 * @param config the image config (all archs; packages as the user wrote them)
 * @param keyring the keyring files' contents, by file name, installed into {@code /etc/apk/keys}
 * @param archs per arch, the packages in install order (dependencies first); with a base image, only those the base
 *     does not already have
 * @param base the base image it builds on ({@code contents.baseimage}), read for its archs
 */
public record LockedImage(
    ImageConfig config, List<KeyFile> keyring, Map<Arch, List<LockedPackage>> archs, Optional<LockedBase> base) {
  public LockedImage {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(base, "base");
    if (config.contents().baseImage().isPresent() != base.isPresent()) {
      throw new IllegalArgumentException(base.isPresent()
          ? "a base image was given for a config without contents.baseimage"
          : "contents.baseimage is set but the base image was not read");
    }
    keyring = List.copyOf(keyring);
    TreeMap<Arch, List<LockedPackage>> copy = new TreeMap<>((a, b) -> a.ociName().compareTo(b.ociName()));
    archs.forEach((a, p) -> copy.put(a, List.copyOf(p)));
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("a locked image needs at least one arch");
    }
    archs = Collections.unmodifiableMap(copy);
  }

  /** An image on no base image. */
  public LockedImage(ImageConfig config, List<KeyFile> keyring, Map<Arch, List<LockedPackage>> archs) {
    this(config, keyring, archs, Optional.empty());
  }

  /** The archs, in apko's order (by OCI name). */
  public List<Arch> archList() {
    return List.copyOf(archs.keySet());
  }

  /** The packages of {@code arch} in install order. */
  public List<LockedPackage> packages(Arch arch) {
    List<LockedPackage> p = archs.get(arch);
    if (p == null) {
      throw new IllegalArgumentException("image is not locked for " + arch + " (locked: " + archs.keySet() + ")");
    }
    return p;
  }

  /**
   * The locked configuration of one arch, as apko records it in {@code /etc/apko.json}: archs = that arch, packages
   * = {@code name=version} of everything installed (sorted), repositories and keyring de-duplicated and sorted.
   */
  public ImageConfig configFor(Arch arch) {
    ImageContents c = config.contents();
    List<String> packages = new ArrayList<>();
    for (LockedPackage p : packages(arch)) {
      packages.add(p.constraint());
    }
    packages.sort(CodePointOrder.INSTANCE);
    if (config.entrypoint().isServiceBundle()) {
      packages.add("s6"); // apko's validation appends it again to the locked list
    }
    ImageContents locked =
        new ImageContents(
            sortedSet(c.buildRepositories()),
            c.runtimeRepositories(),
            sortedSet(c.repositories()),
            sortedSet(c.keyring()),
            c.runtimeKeyring(),
            packages,
            c.baseImage());
    return config.toBuilder().contents(locked).archs(List.of(arch)).build();
  }

  /** Repositories written to {@code /etc/apk/repositories} while installing: build + runtime-and-build, sorted. */
  public List<String> buildRepositories() {
    TreeSet<String> s = new TreeSet<>(CodePointOrder.INSTANCE);
    s.addAll(config.contents().buildRepositories());
    s.addAll(config.contents().repositories());
    return List.copyOf(s);
  }

  /** Repositories the finished image lists: repositories + runtime_repositories, sorted. */
  public List<String> runtimeRepositories() {
    TreeSet<String> s = new TreeSet<>(CodePointOrder.INSTANCE);
    s.addAll(config.contents().repositories());
    s.addAll(config.contents().runtimeRepositories());
    return List.copyOf(s);
  }

  private static List<String> sortedSet(List<String> in) {
    TreeSet<String> s = new TreeSet<>(CodePointOrder.INSTANCE);
    s.addAll(in);
    return List.copyOf(s);
  }
}
