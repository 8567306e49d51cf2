package dev.apkofarm.core.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code contents}: where packages come from and which ones go into the image. Lists keep the order written (after
 * an include, the included file's entries come first). Repository entries are a URL or a local path, optionally
 * tagged ({@code @tag URL}); trailing slashes are removed as apko does. Relative local paths (repositories, keyring,
 * baseimage) resolve against the working directory ({@code -C DIR}), not the config file's directory.
 *
 * @param buildRepositories {@code build_repositories}: used to build, not written into the image
 * @param runtimeRepositories {@code runtime_repositories}: written into {@code /etc/apk/repositories}, not used to
 *     build
 * @param repositories {@code repositories}: used to build and written into the image
 * @param keyring {@code keyring}: public keys (URL or path) that verify repository indexes
 * @param runtimeKeyring {@code runtime_keyring}: inline keys installed into {@code /etc/apk/keys} after the build
 * @param packages {@code packages}: package constraints ({@code name}, {@code name=1.2-r0}, {@code name>1}, ...)
 * @param baseImage {@code baseimage}
 */
public record ImageContents(
    List<String> buildRepositories,
    List<String> runtimeRepositories,
    List<String> repositories,
    List<String> keyring,
    List<RuntimeKey> runtimeKeyring,
    List<String> packages,
    Optional<BaseImage> baseImage) {

  /** No repositories, keys or packages. */
  public static final ImageContents EMPTY =
      new ImageContents(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Optional.empty());

  public ImageContents {
    buildRepositories = List.copyOf(buildRepositories);
    runtimeRepositories = List.copyOf(runtimeRepositories);
    repositories = List.copyOf(repositories);
    keyring = List.copyOf(keyring);
    runtimeKeyring = List.copyOf(runtimeKeyring);
    packages = List.copyOf(packages);
    Objects.requireNonNull(baseImage, "baseImage");
  }

  /** A copy with {@code packages} replaced. */
  public ImageContents withPackages(List<String> newPackages) {
    return new ImageContents(
        buildRepositories, runtimeRepositories, repositories, keyring, runtimeKeyring, newPackages, baseImage);
  }

  /** Whether nothing at all is set. */
  public boolean isEmpty() {
    return equals(EMPTY);
  }
}
