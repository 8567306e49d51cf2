package dev.apkofarm.core.install;

import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * What the installed database records about a package: its {@code .PKGINFO} fields plus the control section's SHA-1
 * and the size of the .apk file (apko's {@code PkgInfo.AsPackage}).
 *
 * @param name {@code pkgname}
 * @param version {@code pkgver}
 * @param arch {@code arch}
 * @param license {@code license}
 * @param description {@code pkgdesc}
 * @param origin {@code origin}
 * @param maintainer {@code maintainer}
 * @param url {@code url}
 * @param depends {@code depend} entries
 * @param provides {@code provides} entries
 * @param replaces {@code replaces} entries
 * @param commit {@code commit}
 * @param installIf {@code install_if} entries
 * @param buildDate {@code builddate}, seconds since the epoch
 * @param size bytes of the .apk file
 * @param installedSize {@code size}
 * @param providerPriority {@code provider_priority}
 * @param controlSha1 SHA-1 of the control section (the index {@code C:})
 * @param triggers {@code triggers} entries
 */
public record PackageMeta(
    String name,
    String version,
    String arch,
    String license,
    String description,
    String origin,
    String maintainer,
    String url,
    List<String> depends,
    List<String> provides,
    List<String> replaces,
    String commit,
    List<String> installIf,
    long buildDate,
    long size,
    long installedSize,
    long providerPriority,
    byte[] controlSha1,
    List<String> triggers) {
  public PackageMeta {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("package has an empty name");
    }
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(license, "license");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(maintainer, "maintainer");
    Objects.requireNonNull(url, "url");
    depends = List.copyOf(depends);
    provides = List.copyOf(provides);
    replaces = List.copyOf(replaces);
    Objects.requireNonNull(commit, "commit");
    installIf = List.copyOf(installIf);
    controlSha1 = controlSha1.clone();
    triggers = List.copyOf(triggers);
  }

  @Override
  public byte[] controlSha1() {
    return controlSha1.clone();
  }

  /** {@code Q1} + base64 of the control SHA-1, as apk writes checksums. */
  public String checksum() {
    return "Q1" + Base64.getEncoder().encodeToString(controlSha1);
  }

  /** {@code name-version}, how messages name the package. */
  public String nameVersion() {
    return name + "-" + version;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PackageMeta p && p.name.equals(name) && p.version.equals(version)
        && java.util.Arrays.equals(p.controlSha1, controlSha1);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, java.util.Arrays.hashCode(controlSha1));
  }

  @Override
  public String toString() {
    return nameVersion();
  }
}
