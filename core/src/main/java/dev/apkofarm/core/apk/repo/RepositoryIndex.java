package dev.apkofarm.core.apk.repo;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.index.ApkIndex;
import java.util.Objects;

/**
 * The verified index of one repository for one arch: what the resolver chooses from.
 *
 * @param repository the repository
 * @param arch the apk arch ({@code x86_64}, ...)
 * @param index its packages
 */
public record RepositoryIndex(Repository repository, String arch, ApkIndex index) {
  public RepositoryIndex {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(index, "index");
  }

  /** {@code <repository>/<arch>/APKINDEX.tar.gz}. */
  public String indexUrl() {
    return repository.indexUrl(arch);
  }

  /** Where a package of this index is fetched from. */
  public String packageUrl(PackageInfo pkg) {
    return repository.packageUrl(arch, pkg);
  }

  @Override
  public String toString() {
    return repository.tag().map(t -> "@" + t + " ").orElse("") + indexUrl();
  }
}
