package dev.apkofarm.coordinator.front;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.apk.PackageNames;
import dev.apkofarm.core.registry.ImageRef;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A repository name the front serves: a config of the directory ({@code <config>}), or that config with packages
 * appended ({@code <config>/<package>/<package>...}, like Nixery's paths). The packages are kept sorted and without
 * repeats, so every spelling of one package set is one image, one name and one build key.
 *
 * @param config the config's name (its file name without {@code .yaml}/{@code .yml})
 * @param packages the appended packages, sorted, distinct
 */
record ImageName(String config, List<String> packages) {
  ImageName {
    Objects.requireNonNull(config, "config");
    packages = List.copyOf(packages);
  }

  /**
   * Parses a repository name from a request path.
   *
   * @param maxPackages how many packages a name may append
   * @throws RegistryError {@code NAME_INVALID} for anything that is not an OCI repository name, a package name
   *     apk would refuse, or too many packages
   */
  static ImageName parse(String repository, int maxPackages) throws RegistryError {
    try {
      ImageRef.of("localhost", repository); // the OCI name grammar, whose one owner is ImageRef
    } catch (IllegalArgumentException e) {
      throw RegistryError.nameInvalid("repository name " + quoted(repository) + " is invalid: lowercase letters,"
          + " digits and . _ - separators, components joined by /");
    }
    String[] parts = repository.split("/");
    TreeSet<String> packages = new TreeSet<>(CodePointOrder.INSTANCE);
    for (int i = 1; i < parts.length; i++) {
      String problem = PackageNames.nameProblem(parts[i]);
      if (problem != null) {
        throw RegistryError.nameInvalid(repository + ": " + problem);
      }
      packages.add(parts[i]);
    }
    if (packages.size() > maxPackages) {
      throw RegistryError.nameInvalid(repository + ": at most " + maxPackages + " packages may be appended to a"
          + " config, not " + packages.size());
    }
    return new ImageName(parts[0], List.copyOf(packages));
  }

  /** The canonical repository name: {@code config[/package...]}. */
  @Override
  public String toString() {
    return packages.isEmpty() ? config : config + "/" + String.join("/", packages);
  }

  // A name that failed the grammar may be long and hold anything: a message needs its start, escaped.
  private static String quoted(String s) {
    return dev.apkofarm.core.InputText.quote(s.length() <= 200 ? s : s.substring(0, 200) + "…");
  }
}
