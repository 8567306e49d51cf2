package dev.apkofarm.core.base;

import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.lock.BaseIndex;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.install.InstalledPackage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The base image an image builds on ({@code contents.baseimage}), read for the archs being built.
 *
 * @param image the base as the config names it
 * @param apkindex the directory of its installed databases, as the config names it
 * @param blobs the directory holding its blobs ({@code sha256/<hex>}), where its layers are copied from
 * @param archs per arch, the base's image for it
 */
public record LockedBase(String image, String apkindex, Path blobs, Map<Arch, BaseArch> archs) {
  public LockedBase {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(apkindex, "apkindex");
    Objects.requireNonNull(blobs, "blobs");
    TreeMap<Arch, BaseArch> copy = new TreeMap<>((a, b) -> a.ociName().compareTo(b.ociName()));
    copy.putAll(archs);
    archs = Collections.unmodifiableMap(copy);
  }

  /** The base's packages as an index for the resolver (apko resolves against them, pinned). */
  public BaseIndex index() {
    Map<Arch, ApkIndex> indexes = new TreeMap<>((a, b) -> a.ociName().compareTo(b.ociName()));
    for (BaseArch b : archs.values()) {
      List<PackageInfo> packages = new ArrayList<>();
      for (InstalledPackage p : b.installed()) {
        PackageInfo m = p.meta();
        PackageInfo.Builder info =
            PackageInfo.builder(m.name(), m.version()).arch(m.arch()).description(m.description())
                .license(m.license()).origin(m.origin()).maintainer(m.maintainer()).url(m.url()).commit(m.commit())
                .size(m.size()).installedSize(m.installedSize()).providerPriority(m.providerPriority())
                .buildTime(m.buildTime()).depends(tokens(m.depends())).provides(tokens(m.provides()))
                .replaces(tokens(m.replaces())).installIf(tokens(m.installIf()));
        m.checksum().ifPresent(info::checksum);
        packages.add(info.build());
      }
      indexes.put(b.arch(), new ApkIndex("base image " + image, packages));
    }
    return new BaseIndex(Repository.parse(apkindex), indexes);
  }

  /** Index fields drop empty tokens ({@code D:} with nothing after it depends on nothing). */
  private static List<String> tokens(List<String> in) {
    return in.stream().filter(s -> !s.isEmpty()).toList();
  }

  /** The base of {@code arch}. */
  public BaseArch arch(Arch arch) {
    BaseArch b = archs.get(arch);
    if (b == null) {
      throw new IllegalArgumentException("base image " + image + " was not read for " + arch);
    }
    return b;
  }
}
