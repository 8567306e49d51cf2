package dev.apkofarm.core.apk.resolve;

import dev.apkofarm.core.apk.Dependency;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.Version;
import dev.apkofarm.core.apk.repo.RepositoryIndex;
import java.util.List;
import java.util.Optional;

/**
 * One package of one repository index as the resolver sees it, with its version, dependencies and provides parsed
 * once. Identity matters: the same name and version in two repositories are two candidates.
 */
final class Candidate {
  final PackageInfo info;
  final RepositoryIndex source;
  /** The tag of the source repository, or "" when untagged. */
  final String pin;
  /** The package's version, or null when it is not valid apk syntax. */
  final Version version;
  final List<Dependency> depends;
  final List<Dependency> provides;
  final List<Dependency> installIf;

  Candidate(
      PackageInfo info,
      RepositoryIndex source,
      List<Dependency> depends,
      List<Dependency> provides,
      List<Dependency> installIf) {
    this.info = info;
    this.source = source;
    this.pin = source.repository().tag().orElse("");
    this.version = Version.tryParse(info.version()).orElse(null);
    this.depends = depends;
    this.provides = provides;
    this.installIf = installIf;
  }

  String name() {
    return info.name();
  }

  String versionText() {
    return info.version();
  }

  String origin() {
    return info.origin();
  }

  /** {@code name-version.apk}, how go-apk names a package in messages. */
  String filename() {
    return info.filename();
  }

  /**
   * The version this candidate carries for {@code name}: its own when {@code name} is its name (or empty), else the
   * version of its provide of that name ("" for an unversioned provide).
   */
  String versionFor(String name) {
    if (name.isEmpty() || name.equals(info.name())) {
      return info.version();
    }
    for (Dependency p : provides) {
      if (p.name().equals(name)) {
        return p.version().orElse("");
      }
    }
    return "";
  }

  Optional<Dependency> provideOf(String name) {
    for (Dependency p : provides) {
      if (p.name().equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  ResolvedPackage resolved() {
    return new ResolvedPackage(info, source);
  }

  @Override
  public String toString() {
    return info.nameVersion() + (pin.isEmpty() ? "" : "@" + pin);
  }
}
